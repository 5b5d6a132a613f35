"""The built-in ``trl`` trainer: transformers + peft + bitsandbytes + TRL's ``SFTTrainer``.

TRL does what it does right (the fused LM head that projects only positions carrying a label, the loss over
a whole accumulated batch, checkpoint/resume through ``transformers.Trainer``). sigil prepares the data
itself (see ``sigil_train.data``): TRL's ``bfd`` packing truncates long files and its padding-free collator
flattens the batch into one row, which without flash-attn means a dense mask over ``batch x max_seq_len``.

Reads top to bottom: resolve the base model → load it → tokenize (or stream) → arguments → resume → train → save.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from sigil import ConfigError, PromptFormat, atomic_write_json, build_tiny_model, is_tiny, parse_spec
from sigil_train.card import write_model_card
from sigil_train.config.sections import config_length
from sigil_train.data.cache import default_cache_dir, load_or_build
from sigil_train.data.encode import Encoder, record_kind
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
        if request.epochs is not None and train.streaming:
            # a stream has no length to count epochs in; say so before loading anything
            raise ConfigError("train.num_epochs needs the tokenized rows counted (train.streaming: false); "
                              "with a streamed dataset set train.max_steps")
        log = ctx.log
        cache_dir = default_cache_dir(config.dataset.cache_dir)
        out_dir, work_dir = request.output_dir, request.checkpoint_dir
        warm_start = str(request.warm_start) if request.warm_start is not None else None
        model_name = request.base_model or config.model_name

        check_launch(train.distributed, os.environ)  # before the model and the data are loaded
        # --- base model: a hub name or path, or a tiny model built from the training text
        base_path = resolve_base(model_name, warm_start, lambda: training_texts(request.train_path), cache_dir)
        attn = attention_implementation(train, log)
        torch.manual_seed(misc.seed)  # LoRA init and dropout: the same seed gives the same run
        loaded = load_model(base_path, config, attn, log, warm_start)
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

        # --- prompt format taught: counted by the tokenization (or, streamed, by one pass over the records)
        if train.streaming:
            kinds = Counter(record_kind(record) for record in read_records(request.train_path))
            chat_records, instruct_records = kinds["chat"], kinds["instruct"]
        else:
            chat_records, instruct_records = train_stats["chat_records"], train_stats["instruct_records"]
        trained_format = encoder.prompt_format(chat_records, instruct_records,
                                               PromptFormat.read(warm_start) if warm_start else None)

        # --- trainer arguments: every train.* key lands here or in `sigil` below
        world = int(os.environ.get("WORLD_SIZE", "1"))
        per_device = per_device_micro_batch(train.micro_batch_size, world, train.scale_micro_batch)
        layout: Literal["rows", "flat"] = "flat" if attn.startswith("flash_attention") else "rows"
        checkpoints = work_dir / CHECKPOINTS
        effective_rows = per_device * world * train.grad_accum
        steps = training_steps(request, None if train.streaming else len(train_rows), per_device * world, train.grad_accum)
        args = SFTConfig(**trainer_arguments(config, per_device, eval_rows is not None, checkpoints,
                                             torch.cuda.is_available(), max_steps=request.max_steps,
                                             epochs=request.epochs))

        # --- resume: continue from the last checkpoint of this exact run, or start clean
        resume_from = prepare_checkpoints(work_dir, request.run_key, log)
        # a checkpoint at the last step is a finished run: transformers would resume it and take one step more
        finished = resume_from is not None and (checkpoint_step(resume_from) or 0) >= steps

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
        check_sharded(train.distributed, trainer)
        sigil_choices = {
            **loaded.choices,
            "base_model_path": base_path,
            "model_name": model_name,
            "steps": steps,
            "epochs": request.epochs,
            "max_seq_len": train.max_seq_len,
            "pack": train.pack,
            "collator_layout": layout,
            "world_size": world,
            "distributed": train.distributed if world > 1 or train.distributed == "fsdp" else "none",
            "accelerate_distributed_type": str(trainer.accelerator.distributed_type),
            "micro_batch_per_device": per_device,
            "effective_batch_rows": effective_rows,
            "clear_cache_every_n_steps": train.clear_cache_every_n_steps,
            "tokenize_workers": workers,
            "seed": misc.seed,
            "deterministic": train.deterministic,
            "warm_start": warm_start,
            "resumed_from": str(resume_from) if resume_from else None,
            "data": {"train": train_stats, "validation": eval_stats},
            "prompt_format": trained_format.kind,
        }
        if trainer.is_world_process_zero():
            write_trainer_args(out_dir / TRAINER_ARGS, trainer.args, sigil_choices)

        result = train_or_finish(trainer, resume_from, finished, metrics_cb, log)
        footprints = rank_footprints(trainer.model)  # a collective: every rank calls it
        evaluated_last = eval_rows is not None and trainer.state.global_step % train.eval_every == 0
        final_eval: dict[str, Any] = trainer.evaluate() if eval_rows is not None and not evaluated_last else {}
        if evaluated_last:
            final_eval = {"eval_loss": metrics_cb.summary().get("last_eval_loss")}

        # --- save: adapter (or full model), tokenizer, provenance, model card
        adapter_dir = out_dir / ADAPTER_DIR
        trainer.save_model(str(adapter_dir))
        outcome = TrainOutcome()
        if trainer.is_world_process_zero():
            tokenizer.save_pretrained(str(adapter_dir))
            # how the prompts were rendered, so `generate.chat_template: auto` samples the model the same way
            trained_format.write(adapter_dir)
            atomic_write_json(adapter_dir / SIGIL_META, {
                "base_model": model_name,
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
                **footprints,
                "resumed_from_step": checkpoint_step(resume_from),
                **{key: value for key, value in summary.items() if key != "eval_losses"},
            }
        return outcome


def trainer_arguments(config: Any, per_device: int, has_eval: bool, checkpoints: Path, cuda: bool,
                      max_steps: int | None = None, epochs: float | None = None) -> dict[str, Any]:
    """``SFTConfig`` keyword arguments for a config: where each ``train.*``/``misc.*`` key lands.

    :param max_steps: the request's step count; or ``epochs``, its passes over the data. Neither: the config's
        (``train.max_steps``/``train.num_epochs``), as the ``sft`` stage maps them.
    """
    train = config.train
    if max_steps is None and epochs is None:
        max_steps, epochs = config_length(train)
    arguments = dict(
        **shared_arguments(config, checkpoints, cuda),
        # transformers reads max_steps -1 as "count the steps from num_train_epochs"
        max_steps=-1 if epochs is not None else max_steps,
        num_train_epochs=epochs if epochs is not None else 1.0,
        per_device_train_batch_size=per_device,
        per_device_eval_batch_size=train.eval_batch_size or per_device,
        gradient_accumulation_steps=train.grad_accum,
        learning_rate=train.lr,
        train_sampling_strategy="random" if train.shuffle else "sequential",
        eval_strategy="steps" if has_eval else "no",
        eval_steps=train.eval_every if has_eval else None,
        max_length=train.max_seq_len,
        # sigil packs and collates itself (sigil.pack / sigil.collator_layout below); TRL refuses a custom
        # collator together with its own packing/padding-free switches, so those stay off
        packing=False,
        padding_free=False,
        dataset_kwargs={"skip_prepare_dataset": True},
        include_num_input_tokens_seen="non_padding",
    )
    return arguments | fsdp_arguments(train)


def fsdp_arguments(train: Any) -> dict[str, Any]:
    """transformers' FSDP arguments for ``train.distributed: fsdp`` (none for ddp): FSDP2 through accelerate.

    Each decoder layer is its own shard group (``TRANSFORMER_BASED_WRAP`` takes the classes from the model's
    ``_no_split_modules``, so any transformers architecture works; LoRA's weights shard with their layer). Saving
    gathers the full state dict on rank 0 (``FULL_STATE_DICT``), so the adapter or model directory is an ordinary
    one that ``from_pretrained`` loads on one GPU. Activation checkpointing is FSDP's own (per layer, after the
    all-gather): transformers' ``activation_checkpointing`` under FSDP all-gathers a layer's weights twice in the
    backward pass, and transformers refuses the two together.
    """
    if train.distributed != "fsdp":
        return {}
    return {
        "fsdp": True,
        "fsdp_config": {
            "version": 2,
            "auto_wrap_policy": "TRANSFORMER_BASED_WRAP",
            "reshard_after_forward": True,
            "state_dict_type": "FULL_STATE_DICT",
            "cpu_offload": train.fsdp_cpu_offload,
            "activation_checkpointing": train.gradient_checkpointing,
            "cpu_ram_efficient_loading": False,
        },
        **checkpointing_arguments(False),
    }


def check_launch(distributed: str, environ: Any) -> None:
    """Refuse, before anything is loaded, a launch that would not train the way ``train.distributed`` says."""
    if distributed == "fsdp" and "LOCAL_RANK" not in environ:
        raise ConfigError("train.distributed: fsdp needs a multi-process launch (torchrun --nproc-per-node N -m "
                          "sigil.cli run ..., or accelerate launch); one process would train unsharded")
    if distributed != "fsdp" and str(environ.get("ACCELERATE_USE_FSDP", "")).lower() in ("1", "true"):
        # an accelerate config with distributed_type FSDP turns it on behind the config's back (and its fingerprint)
        raise ConfigError("the accelerate launch enables FSDP (ACCELERATE_USE_FSDP) but train.distributed is "
                          f"{distributed}; set train.distributed: fsdp, or launch without the FSDP accelerate config")


def check_sharded(distributed: str, trainer: Any) -> None:
    """FSDP asked for must be FSDP enabled: accelerate drops its FSDP plugin without a word where it does not shard
    (processes on CPU, gloo: ``DistributedType.MULTI_CPU`` trains as DDP), and the run would hold the whole model
    on every rank."""
    if distributed == "fsdp" and not trainer.is_fsdp_enabled:
        raise ConfigError(f"train.distributed: fsdp, but accelerate did not enable FSDP "
                          f"({trainer.accelerator.distributed_type}): it shards on GPUs only, CPU processes train as DDP")


def rank_footprints(model: Any) -> dict[str, list[Any]]:
    """What each rank holds, gathered on every rank: ``parameters_per_rank`` (parameter elements held locally: the
    whole model under DDP, a shard under FSDP) and, on GPUs, ``peak_gpu_memory_gib_per_rank`` (peak allocated)."""
    import torch
    from torch.distributed.tensor import DTensor

    local = {"parameters": sum(p.to_local().numel() if isinstance(p, DTensor) else p.numel() for p in model.parameters())}
    if torch.cuda.is_available():
        local["peak_gpu_memory_gib"] = round(torch.cuda.max_memory_allocated() / 2**30, 2)
    ranks: list[Any] = [local]
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        ranks = [None] * torch.distributed.get_world_size()
        torch.distributed.all_gather_object(ranks, local)
    return {f"{key}_per_rank": [rank[key] for rank in ranks] for key in local}


def shared_arguments(config: Any, checkpoints: Path, cuda: bool) -> dict[str, Any]:
    """The ``train.*``/``misc.*`` keys every sigil training run passes to a transformers ``Trainer`` the same way,
    whatever the objective (``sft`` here, ``grpo`` in :mod:`sigil_train.grpo.trainer`): optimiser, precision,
    kernels, data loading, checkpoints, logging, seeds."""
    train, misc = config.train, config.misc
    return dict(
        output_dir=str(checkpoints),
        warmup_steps=train.warmup_steps,
        weight_decay=train.weight_decay,
        # a cosine floor is transformers' cosine_with_min_lr; 0 keeps the plain schedule the name says
        lr_scheduler_type="cosine_with_min_lr" if train.min_lr_ratio and train.lr_scheduler == "cosine" else train.lr_scheduler,
        lr_scheduler_kwargs={"min_lr_rate": train.min_lr_ratio} if train.min_lr_ratio and train.lr_scheduler == "cosine" else {},
        adam_beta1=train.adam_betas[0],
        adam_beta2=train.adam_betas[1],
        max_grad_norm=train.max_grad_norm,
        optim=train.optim,
        bf16=use_bf16(train),
        **checkpointing_arguments(train.gradient_checkpointing),
        dataloader_num_workers=train.dataloader_num_workers,
        dataloader_pin_memory=train.pin_memory,
        dataloader_prefetch_factor=train.prefetch_factor,
        dataloader_persistent_workers=False,
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
        use_cpu=not cuda,
        disable_tqdm=True,
        save_only_model=False,
    )


def checkpointing_arguments(enabled: bool) -> dict[str, Any]:
    """Activation checkpointing under the name this transformers takes: 5.x renamed ``gradient_checkpointing*`` to
    ``activation_checkpointing*`` and warns (FutureWarning) on the old names."""
    import dataclasses

    from trl import SFTConfig

    names = {field.name for field in dataclasses.fields(SFTConfig)}
    prefix = "activation_checkpointing" if "activation_checkpointing" in names else "gradient_checkpointing"
    return {prefix: enabled, f"{prefix}_kwargs": {"use_reentrant": False} if enabled else None}


def training_steps(request: TrainRequest, rows: int | None, rows_per_micro_step: int, grad_accum: int) -> int:
    """The request's optimizer steps: ``max_steps``, or ``epochs`` over ``rows`` packed rows counted as transformers
    counts them (micro-batches per epoch floor-divided by the accumulation, at least one; epochs rounded up)."""
    if request.max_steps is not None:
        return request.max_steps
    assert request.epochs is not None
    if rows is None:
        raise ConfigError("epochs need the number of training rows; streaming training (train.streaming) has none: "
                          "give steps instead")
    per_epoch = max(1, math.ceil(rows / rows_per_micro_step) // grad_accum)
    return max(1, math.ceil(request.epochs * per_epoch))


def train_or_finish(trainer: Any, resume_from: Path | None, finished: bool, metrics_cb: Any, log: Any) -> Any:
    """Train (resuming from ``resume_from``), or, when that checkpoint is the run's last step, take its weights;
    the ``sft`` and ``grpo`` trainers' one way to run a transformers ``Trainer``."""
    try:
        if finished:
            assert resume_from is not None
            log.info("%s is the last step of this run: its weights are the result, nothing left to train", resume_from)
            return load_finished_checkpoint(trainer, resume_from)
        return trainer.train(resume_from_checkpoint=str(resume_from) if resume_from else None)
    finally:
        metrics_cb.progress.close()  # a failed or interrupted run leaves no bar drawn over its error


def load_finished_checkpoint(trainer: Any, checkpoint: Path) -> Any:
    """Load a finished run's last checkpoint into ``trainer.model`` and return a ``TrainOutput`` like ``train()``'s,
    its loss the mean of the checkpoint's logged training losses."""
    from safetensors.torch import load_file
    from transformers.trainer_utils import TrainOutput

    adapter = checkpoint / "adapter_model.safetensors"
    if adapter.exists():
        from peft import set_peft_model_state_dict

        set_peft_model_state_dict(trainer.model, load_file(str(adapter)))
    else:
        from transformers.trainer_utils import load_sharded_checkpoint

        if (checkpoint / "model.safetensors").exists():
            from safetensors.torch import load_model

            load_model(trainer.model, str(checkpoint / "model.safetensors"), strict=False)
        else:
            load_sharded_checkpoint(trainer.model, str(checkpoint))
    state = json.loads((checkpoint / "trainer_state.json").read_text())
    trainer.state.global_step = int(state["global_step"])
    trainer.state.num_input_tokens_seen = int(state.get("num_input_tokens_seen") or 0)
    losses = [float(entry["loss"]) for entry in state.get("log_history", []) if "loss" in entry]
    return TrainOutput(trainer.state.global_step, sum(losses) / len(losses) if losses else float("nan"), {})


def resolve_base(model_name: str, warm_start: str | None, texts: Callable[[], list[str]], cache_dir: Path) -> str:
    """The base model directory or hub name; a warm start reuses the base its adapter was trained on. A tiny model
    without one is built from ``texts()`` (called only then: reading a training split costs time)."""
    recorded = warm_start_base(warm_start)
    if is_tiny(model_name):
        if recorded is not None:
            return recorded
        return str(build_tiny_model(parse_spec(model_name), texts(), cache_dir))
    return model_name


def training_texts(train_path: Path) -> list[str]:
    """The text of every record of a training split (what a tiny model's tokenizer is trained on)."""
    return [record_text(record) for record in read_records(train_path)]


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
