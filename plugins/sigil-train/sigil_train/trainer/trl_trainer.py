"""The built-in ``trl`` trainer: transformers + peft + bitsandbytes + TRL's ``SFTTrainer``.

TRL does what it does right (the fused LM head that projects only positions carrying a label, the loss over
a whole accumulated batch, checkpoint/resume through ``transformers.Trainer``). sigil prepares the data
itself (see ``sigil_train.data``): TRL's ``bfd`` packing truncates long files and its padding-free collator
flattens the batch into one row, which without flash-attn means a dense mask over ``batch x max_seq_len``.

Reads top to bottom: resolve the base model → load it → tokenize (or stream) → arguments → resume → train → save.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any, Literal

from sigil import ConfigError, atomic_write_json, build_tiny_model, is_tiny, parse_spec
from sigil_train.card import write_model_card
from sigil_train.config.sections import DEFAULT_MAX_STEPS
from sigil_train.data.cache import default_cache_dir, load_or_build
from sigil_train.data.encode import Encoder
from sigil_train.data.records import read_records, record_text
from sigil_train.data.stream import streaming_dataset
from sigil_train.model.load import SIGIL_META, attention_implementation, load_model, use_bf16, warm_start_base
from sigil_train.trainer.protocol import TrainOutcome, TrainRequest

ADAPTER_DIR = "adapter"
TRAINER_ARGS = "trainer_args.json"
CHECKPOINTS = "checkpoints"
RUN_KEY = "run_key.json"


class TrlTrainer:
    """Supervised fine-tuning with TRL's ``SFTTrainer`` (QLoRA, LoRA or full)."""

    def train(self, request: TrainRequest) -> TrainOutcome:
        import torch
        from transformers.trainer_callback import PrinterCallback
        from trl import SFTConfig, SFTTrainer

        config, ctx = request.config, request.ctx
        train, misc = config.train, config.misc
        if train.num_epochs is not None and train.streaming:
            # a stream has no length to count epochs in; say so before loading anything
            raise ConfigError("train.num_epochs needs the tokenized rows counted (train.streaming: false); "
                              "with a streamed dataset set train.max_steps")
        log = ctx.log
        cache_dir = default_cache_dir(config.dataset.cache_dir)

        # --- base model: a hub name or path, or a tiny model built from the training text
        base_path = resolve_base(config, request.train_path, cache_dir)
        attn = attention_implementation(train, log)
        torch.manual_seed(misc.seed)  # LoRA init and dropout: the same seed gives the same run
        loaded = load_model(base_path, config, attn, log)
        model, tokenizer = loaded.model, loaded.tokenizer

        # --- data: tokenized and packed once, cached by fingerprint; or streamed (train.streaming: true)
        encoder = Encoder(tokenizer, train.max_seq_len, train.chat_template)
        workers = train.tokenize_workers or min(8, os.cpu_count() or 1)
        if not train.streaming:
            train_rows, train_stats = load_or_build(request.train_path, encoder, train.pack, cache_dir, workers, log)
            if len(train_rows) == 0:
                raise ConfigError(f"{request.train_path}: no training examples after tokenization")
        else:
            train_rows, train_stats = streaming_dataset(request.train_path, encoder, train.pack, seed=misc.seed,
                                                        shuffle=train.shuffle)
            log.info("streaming %s: %d shards, tokenized and packed on the fly", request.train_path.name,
                     train_stats["shards"])
        # validation is small: in memory (and not cached) when the training split streams
        eval_rows, eval_stats = None, None
        if request.validation_path is not None and train.eval_every:
            eval_rows, eval_stats = load_or_build(request.validation_path, encoder, train.pack, cache_dir, workers,
                                                   log, use_cache=not train.streaming)
            if len(eval_rows) == 0:
                eval_rows = None

        # --- trainer arguments: every train.* key lands here or in `sigil` below
        world = int(os.environ.get("WORLD_SIZE", "1"))
        per_device = per_device_micro_batch(train.micro_batch_size, world, train.scale_micro_batch)
        layout: Literal["rows", "flat"] = "flat" if attn.startswith("flash_attention") else "rows"
        checkpoints = ctx.work_dir / CHECKPOINTS
        args = SFTConfig(**trainer_arguments(config, per_device, eval_rows is not None, checkpoints, torch.cuda.is_available()))

        # --- resume: continue from the last checkpoint of this exact run, or start clean
        resume_from = prepare_checkpoints(ctx.work_dir, request.run_key, log)

        from sigil_train.data.collator import PackedCollator
        from sigil_train.trainer.callbacks import ClearCacheCallback, MetricsCallback

        metrics_cb = MetricsCallback(ctx)
        clear_cb = ClearCacheCallback(train.clear_cache_every_n_steps)
        collator = PackedCollator(pad_token_id=tokenizer.pad_token_id, layout=layout)
        trainer = SFTTrainer(
            model=model,
            args=args,
            data_collator=collator,
            train_dataset=train_rows,
            eval_dataset=eval_rows,
            processing_class=tokenizer,
            callbacks=[metrics_cb, clear_cb],
        )
        # sigil's MetricsCallback logs each step; transformers' printer would repeat it as raw dicts on stdout
        trainer.remove_callback(PrinterCallback)
        sigil_choices = {
            **loaded.choices,
            "base_model_path": base_path,
            "model_name": config.model_name,
            "max_seq_len": train.max_seq_len,
            "pack": train.pack,
            "collator_layout": layout,
            "world_size": world,
            "micro_batch_per_device": per_device,
            "effective_batch_rows": per_device * world * train.grad_accum,
            "clear_cache_every_n_steps": train.clear_cache_every_n_steps,
            "tokenize_workers": workers,
            "seed": misc.seed,
            "deterministic": train.deterministic,
            "load_from": train.load_from,
            "resumed_from": str(resume_from) if resume_from else None,
            "data": {"train": train_stats, "validation": eval_stats},
        }
        if trainer.is_world_process_zero():
            write_trainer_args(ctx.out_dir / TRAINER_ARGS, trainer.args, sigil_choices)

        # --- train
        try:
            result = trainer.train(resume_from_checkpoint=str(resume_from) if resume_from else None)
        finally:
            metrics_cb.progress.close()  # a failed or interrupted run leaves no bar drawn over its error
        evaluated_last = eval_rows is not None and trainer.state.global_step % train.eval_every == 0
        final_eval: dict[str, Any] = trainer.evaluate() if eval_rows is not None and not evaluated_last else {}
        if evaluated_last:
            final_eval = {"eval_loss": metrics_cb.summary().get("last_eval_loss")}

        # --- save: adapter (or full model), tokenizer, provenance, model card
        adapter_dir = ctx.out_dir / ADAPTER_DIR
        trainer.save_model(str(adapter_dir))
        outcome = TrainOutcome()
        if trainer.is_world_process_zero():
            tokenizer.save_pretrained(str(adapter_dir))
            atomic_write_json(adapter_dir / SIGIL_META, {
                "base_model": config.model_name,
                "base_model_path": base_path,
                "adapter": train.adapter,
                "phase": request.phase,
            })
            summary = metrics_cb.summary()
            summary["steps"] = int(result.global_step)
            if final_eval.get("eval_loss") is not None:
                summary["final_eval_loss"] = float(final_eval["eval_loss"])
            write_model_card(adapter_dir / "README.md", config, request, sigil_choices, summary)
            outcome.artifacts = {
                "adapter": ADAPTER_DIR,
                "trainer_args": TRAINER_ARGS,
                "model_card": f"{ADAPTER_DIR}/README.md",
            }
            outcome.metrics = {
                "steps": int(result.global_step),
                "epochs": round(float(trainer.state.epoch or 0.0), 4),
                "train_loss": float(result.training_loss),
                "tokens_seen": int(trainer.state.num_input_tokens_seen),
                "train_runtime_s": float(result.metrics.get("train_runtime", 0.0)),
                "cache_clears": clear_cb.clears,
                "resumed_from_step": checkpoint_step(resume_from),
                **{key: value for key, value in summary.items() if key != "eval_losses"},
            }
        return outcome


def trainer_arguments(config: Any, per_device: int, has_eval: bool, checkpoints: Path, cuda: bool) -> dict[str, Any]:
    """``SFTConfig`` keyword arguments for a config: where each ``train.*``/``misc.*`` key lands."""
    train, misc = config.train, config.misc
    bf16 = use_bf16(train)
    return dict(
        output_dir=str(checkpoints),
        # exactly one of the two is set (the section checks); transformers reads max_steps -1 as "use epochs"
        max_steps=-1 if train.num_epochs is not None else (train.max_steps or DEFAULT_MAX_STEPS),
        num_train_epochs=train.num_epochs if train.num_epochs is not None else 1.0,
        per_device_train_batch_size=per_device,
        per_device_eval_batch_size=train.eval_batch_size or per_device,
        gradient_accumulation_steps=train.grad_accum,
        learning_rate=train.lr,
        warmup_steps=train.warmup_steps,
        weight_decay=train.weight_decay,
        lr_scheduler_type=train.lr_scheduler,
        max_grad_norm=train.max_grad_norm,
        optim=train.optim,
        bf16=bf16,
        gradient_checkpointing=train.gradient_checkpointing,
        gradient_checkpointing_kwargs={"use_reentrant": False} if train.gradient_checkpointing else None,
        dataloader_num_workers=train.dataloader_num_workers,
        dataloader_pin_memory=train.pin_memory,
        dataloader_prefetch_factor=train.prefetch_factor,
        dataloader_persistent_workers=False,
        train_sampling_strategy="random" if train.shuffle else "sequential",
        eval_strategy="steps" if has_eval else "no",
        eval_steps=train.eval_every if has_eval else None,
        save_strategy="steps",
        save_steps=train.save_every,
        save_total_limit=train.save_total_limit,
        logging_strategy="steps",
        logging_steps=train.log_every,
        # sigil's own loggers receive every metric through on_metrics; these are HF's integrations on top
        report_to=train.report_to or "none",
        seed=misc.seed,
        data_seed=misc.seed,
        full_determinism=train.deterministic,
        use_liger_kernel=train.use_liger_kernel,
        torch_compile=train.torch_compile,
        max_length=train.max_seq_len,
        # sigil packs and collates itself (sigil.pack / sigil.collator_layout below); TRL refuses a custom
        # collator together with its own packing/padding-free switches, so those stay off
        packing=False,
        padding_free=False,
        dataset_kwargs={"skip_prepare_dataset": True},
        include_num_input_tokens_seen="non_padding",
        use_cpu=not cuda,
        disable_tqdm=True,
        save_only_model=False,
    )


def resolve_base(config: Any, train_path: Path, cache_dir: Path) -> str:
    """The base model directory or hub name; a warm start reuses the base its adapter was trained on."""
    recorded = warm_start_base(config.train.load_from)
    if is_tiny(config.model_name):
        if recorded is not None:
            return recorded
        spec = parse_spec(config.model_name)
        texts = [record_text(record) for record in read_records(train_path)]
        return str(build_tiny_model(spec, texts, cache_dir))
    return config.model_name


def per_device_micro_batch(micro_batch_size: int, world: int, scale: bool) -> int:
    """``micro_batch_size`` is per GPU of a 1-GPU run; with N GPUs each gets 1/N so the effective batch holds."""
    if not scale or world == 1:
        return micro_batch_size
    if micro_batch_size % world:
        raise ConfigError(
            f"train.micro_batch_size: {micro_batch_size} does not divide by {world} GPUs; "
            "pick a multiple or set train.scale_micro_batch: false"
        )
    return micro_batch_size // world


def prepare_checkpoints(work_dir: Path, run_key: str, log: Any) -> Path | None:
    """The last checkpoint to resume from, or None; checkpoints of a different run are deleted first."""
    key_path = work_dir / RUN_KEY
    checkpoints = work_dir / CHECKPOINTS
    previous = json.loads(key_path.read_text()).get("run_key") if key_path.exists() else None
    if previous != run_key:
        if checkpoints.exists():
            log.info("checkpoints in %s belong to another config: discarded", checkpoints)
        shutil.rmtree(checkpoints, ignore_errors=True)
        atomic_write_json(key_path, {"run_key": run_key})
        return None
    candidates = sorted(
        (path for path in checkpoints.glob("checkpoint-*") if (path / "trainer_state.json").exists()),
        key=lambda path: checkpoint_step(path) or 0,
    )
    if not candidates:
        return None
    log.info("resuming from %s", candidates[-1])
    return candidates[-1]


def checkpoint_step(path: Path | None) -> int | None:
    if path is None:
        return None
    return int(path.name.rsplit("-", 1)[-1])


def write_trainer_args(path: Path, args: Any, sigil_choices: dict[str, Any]) -> None:
    """The effective arguments: TRL/transformers' own view (``to_dict``) and what sigil chose around them."""
    data = {"trainer": _plain(args.to_dict()), "sigil": _plain(sigil_choices)}
    atomic_write_json(path, data)


def _plain(value: Any) -> Any:
    """JSON-ready data: sets become sorted lists, anything else unknown becomes its string."""
    return json.loads(json.dumps(value, default=lambda v: sorted(v) if isinstance(v, (set, frozenset)) else str(v)))
