"""GRPO on TRL's ``GRPOTrainer`` with rewards from sigil's evaluator.

Reads top to bottom: resolve the base model → load it (the sft stage's loader: adapter kinds, warm start) → the
prompt dataset → the reward function → arguments (the sft stage's shared ones + the ``grpo`` section) → resume →
train → save. Everything around the objective is the ``sft`` trainer's: model loading, checkpoints and their run
key, the finished-run shortcut, the metrics callback, ``trainer_args.json``.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sigil import ConfigError, Problem, PromptFormat, SigilError, TrainOutcome, atomic_write_json
from sigil_train.grpo.rewards import EvaluatorReward, RewardStats
from sigil_train.model.load import SIGIL_META, attention_implementation, load_model
from sigil_train.trainer.callbacks import (
    ClearCacheCallback,
    MetricsCallback,
    RewardTimeCallback,
    SnapshotCallback,
    snapshot_name,
)
from sigil_train.trainer.trl_trainer import (
    ADAPTER_DIR,
    CHECKPOINTS,
    TRAINER_ARGS,
    checkpoint_step,
    prepare_checkpoints,
    resolve_base,
    shared_arguments,
    train_or_finish,
    write_trainer_args,
)

#: Where snapshots live (under the checkpoints, in the stage's output).
SNAPSHOTS = "snapshots"
#: TRL's GRPO log keys forwarded to sigil's loggers under their own names (besides loss, lr, grad_norm).
GRPO_METRICS = ("reward", "frac_reward_zero_std", "rewards/", "kl", "entropy", "completions/", "clip_ratio",
                "num_tokens")


@dataclass
class GrpoRequest:
    """One GRPO run, as typed fields (the stage fills them; nothing edits the config the trainer reads).

    :param config: the resolved pipeline config (``grpo``, ``train``, ``lora``, ``bnb_4bit``, ``eval``, core keys).
    :param ctx: the stage context (``log``, ``log_metrics``, ``out_dir``, ``work_dir``).
    :param problems: the prompts, each a problem with tests.
    :param run_key: checkpoints resume only under this key (the stage passes ``ctx.fingerprint``).
    :param max_steps: optimizer steps; or ``epochs``, passes over the prompts (exactly one is set).
    :param warm_start: the adapter (LoRA kinds) or model directory (``full``) to start from, or ``None``.
    :param texts: the text a ``sigil-tiny:`` base builds its tokenizer from when there is no warm start.
    :param snapshot_steps: optimizer steps after which the model is also saved as it is then, like the final one
        (``work_dir/checkpoints/snapshots/step-NNNNNN``, kept with the checkpoints and under their run key; copied
        to ``out_dir/snapshots/`` at the end and listed in the outcome's ``snapshots`` metric).
    """

    config: Any
    ctx: Any
    problems: list[Problem]
    run_key: str
    max_steps: int | None
    epochs: float | None
    warm_start: Path | None
    texts: Callable[[], list[str]]
    snapshot_steps: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if (self.max_steps is None) == (self.epochs is None):
            raise ValueError("GrpoRequest: set exactly one of max_steps and epochs")


def train_grpo(request: GrpoRequest) -> TrainOutcome:
    import torch
    from datasets import Dataset
    from transformers.trainer_callback import PrinterCallback
    from trl import GRPOConfig, GRPOTrainer

    config, ctx = request.config, request.ctx
    grpo, train, misc = config.grpo, config.train, config.misc
    log = ctx.log
    out_dir, work_dir = Path(ctx.out_dir), Path(ctx.work_dir)
    warm_start = str(request.warm_start) if request.warm_start is not None else None

    # --- the prompts are continued as code: a model trained on chat or instruct records would be prompted wrongly
    trained_format = PromptFormat.read(warm_start) if warm_start else None
    if trained_format is not None and trained_format.kind != "raw":
        raise ConfigError(f"grpo: the starting model {warm_start} was trained on {trained_format.kind} prompts; the grpo "
                          "stage continues suite prompts as raw code (chat/instruct prompting is not supported yet)")

    # --- base model and the trainable model: exactly the sft trainer's loading (adapter kinds, warm start)
    from sigil_train.data.cache import default_cache_dir

    base_path = resolve_base(config.model_name, warm_start, request.texts, default_cache_dir(config.dataset.cache_dir))
    attn = attention_implementation(train, log)
    torch.manual_seed(misc.seed)
    loaded = load_model(base_path, config, attn, log, warm_start)
    model, tokenizer = loaded.model, loaded.tokenizer

    # --- prompts: one row per problem, as the model saw code in training; the `problem` column reaches the reward
    dataset = Dataset.from_list(prompt_rows(request.problems, tokenizer))
    reward = EvaluatorReward({problem.name: problem for problem in request.problems}, config.eval, grpo.rewards,
                             grpo.clippy_cap, grpo.num_generations, misc.seed, pipeline=config)

    # --- arguments: the sft stage's shared keys, then the grpo section
    world = int(os.environ.get("WORLD_SIZE", "1"))
    completions = grpo.prompts_per_step * grpo.num_generations
    per_pass = grpo.completions_per_pass
    if completions % (per_pass * world):
        raise ConfigError(f"grpo: {completions} completions per step do not split into {world} GPUs x micro_batch_size "
                          f"{per_pass}")
    grad_accum = completions // (per_pass * world)
    checkpoints = work_dir / CHECKPOINTS
    arguments = dict(
        **shared_arguments(config, checkpoints, torch.cuda.is_available()),
        learning_rate=grpo.lr,
        max_steps=request.max_steps if request.max_steps is not None else -1,
        num_train_epochs=request.epochs if request.epochs is not None else 1.0,
        per_device_train_batch_size=per_pass,
        gradient_accumulation_steps=grad_accum,
        num_generations=grpo.num_generations,
        temperature=grpo.temperature,
        top_p=grpo.top_p,
        max_completion_length=grpo.max_completion_length,
        loss_type=grpo.loss_type,
        beta=grpo.beta,
        epsilon=grpo.epsilon,
        epsilon_high=grpo.epsilon_high,
        num_iterations=grpo.num_iterations,
        scale_rewards=grpo.scale_rewards,
        mask_truncated_completions=grpo.mask_truncated_completions,
        # train.shuffle: the prompts' order, seeded by misc.seed (TRL keeps each group's completions side by side)
        shuffle_dataset=train.shuffle,
        log_completions=False,
    )
    if grpo.vllm_server_url:
        arguments.update(use_vllm=True, vllm_mode="server", vllm_server_base_url=grpo.vllm_server_url)
    args = GRPOConfig(**arguments)
    steps = request.max_steps or max(1, math.ceil(request.epochs or 1) * (len(request.problems) // grpo.prompts_per_step)
                                     * grpo.num_iterations)

    # --- resume: continue from the last checkpoint of this exact run, or start clean
    resume_from = prepare_checkpoints(work_dir, request.run_key, log)
    finished = resume_from is not None and (checkpoint_step(resume_from) or 0) >= steps

    metrics_cb = MetricsCallback(ctx, passthrough=GRPO_METRICS)
    timing_cb = RewardTimeCallback(ctx, reward.stats)
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=[cast(Any, reward)],  # TRL types a reward function as a plain callable
        args=args,
        train_dataset=dataset,
        processing_class=tokenizer,
        callbacks=[metrics_cb, timing_cb, ClearCacheCallback(train.clear_cache_every_n_steps)],
    )
    trainer.remove_callback(PrinterCallback)
    snapshots_dir = checkpoints / SNAPSHOTS
    if request.snapshot_steps:
        trainer.add_callback(SnapshotCallback(request.snapshot_steps, snapshots_dir,
                                              lambda path: save_model_dir(trainer, model, tokenizer, path, config,
                                                                          base_path)))
    sigil_choices = {
        **loaded.choices,
        "objective": "grpo",
        "base_model_path": base_path,
        "model_name": config.model_name,
        "steps": steps,
        "epochs": request.epochs,
        "prompts": grpo.prompts,
        "problems": len(request.problems),
        "completions_per_step": completions,
        "gradient_accumulation_steps": grad_accum,
        "world_size": world,
        "reward_weights": reward.weights,
        "reward_scorers": reward.eval_config.scorers,
        "generation": "vllm-server" if grpo.vllm_server_url else "transformers",
        "seed": misc.seed,
        "warm_start": warm_start,
        "resumed_from": str(resume_from) if resume_from else None,
        "snapshot_steps": list(request.snapshot_steps),
    }
    if trainer.is_world_process_zero():
        write_trainer_args(out_dir / TRAINER_ARGS, trainer.args, sigil_choices)

    result = train_or_finish(trainer, resume_from, finished, metrics_cb, log)

    # --- save: adapter (or full model), tokenizer, provenance; and the snapshots taken on the way
    save_model_dir(trainer, model, tokenizer, out_dir / ADAPTER_DIR, config, base_path)
    outcome = TrainOutcome()
    if trainer.is_world_process_zero():
        summary = metrics_cb.summary()
        outcome.artifacts = {"adapter": ADAPTER_DIR, "trainer_args": TRAINER_ARGS}
        if request.snapshot_steps:
            outcome.artifacts[SNAPSHOTS] = SNAPSHOTS
            outcome.metrics["snapshots"] = copy_snapshots(snapshots_dir, out_dir / SNAPSHOTS, request.snapshot_steps)
        outcome.metrics = {
            **outcome.metrics,
            "steps": int(result.global_step),
            "train_loss": float(result.training_loss),
            "train_runtime_s": float(result.metrics.get("train_runtime", 0.0)),
            "resumed_from_step": checkpoint_step(resume_from),
            **{key: value for key, value in summary.items() if key != "eval_losses"},
            **reward_summary(logged_history(trainer, resume_from if finished else None), reward.stats, timing_cb),
        }
    return outcome


def prompt_rows(problems: list[Problem], tokenizer: Any) -> list[dict[str, str]]:
    """The dataset TRL samples from: ``{"prompt", "problem"}`` per problem. TRL tokenizes a prompt's text as it is,
    so for a tokenizer that adds no BOS itself (sigil's tiny models) the BOS token is written in front: sigil trains
    on ``[bos] code [eos]`` and its generator prompts with ``[bos] prompt``; without it the policy is sampled off its
    training distribution (the demo's start compiled 13% of GRPO's samples against 69% of RSFT's at the same
    temperature)."""
    bos, bos_id = tokenizer.bos_token, tokenizer.bos_token_id
    adds_bos = bool(tokenizer("fn")["input_ids"][:1] == [bos_id])
    prefix = bos if bos and bos_id is not None and not adds_bos else ""
    return [{"prompt": prefix + problem.prompt, "problem": problem.name} for problem in problems]


def save_model_dir(trainer: Any, model: Any, tokenizer: Any, path: Path, config: Any, base_path: str) -> None:
    """The model as it is now, in the directory layout every sigil stage reads: the adapter (or the whole model for
    ``train.adapter: full``), its tokenizer, ``prompt_format.json`` (raw) and ``sigil_train.json`` naming the base.
    Called on every rank (a sharded model is gathered by ``save_model``); rank 0 writes the rest."""
    if hasattr(model, "peft_config"):
        # with beta > 0 TRL adds a frozen "ref" adapter to the model it trains; only the trained one is the result
        model.save_pretrained(str(path), selected_adapters=["default"])
    else:
        trainer.save_model(str(path))
    if trainer.is_world_process_zero():
        tokenizer.save_pretrained(str(path))
        PromptFormat("raw").write(path)
        atomic_write_json(path / SIGIL_META, {"base_model": config.model_name, "base_model_path": base_path,
                                              "adapter": config.train.adapter, "objective": "grpo"})


def copy_snapshots(source: Path, target: Path, steps: tuple[int, ...]) -> list[dict[str, Any]]:
    """Copy the snapshots of ``steps`` into the stage's output; ``[{"optimizer_step", "path"}]`` (path relative to
    ``target``'s parent)."""
    listed = []
    for step in sorted(steps):
        found = source / snapshot_name(step)
        if not (found / SIGIL_META).exists():
            raise SigilError(f"grpo: the snapshot after step {step} is missing from {source} (the run's checkpoints "
                             "were made without it): re-run the stage with --force")
        shutil.copytree(found, target / found.name)
        listed.append({"optimizer_step": step, "path": f"{target.name}/{found.name}"})
    return listed


def logged_history(trainer: Any, finished_checkpoint: Path | None) -> list[dict[str, Any]]:
    """Every step's logged metrics of the whole run: transformers' ``log_history`` (a resumed run's includes the steps
    before the checkpoint); a finished run taken from its checkpoint reads the checkpoint's."""
    if finished_checkpoint is not None:
        state = json.loads((finished_checkpoint / "trainer_state.json").read_text())
        return list(state.get("log_history", []))
    return list(trainer.state.log_history)


def reward_summary(history: list[dict[str, Any]], stats: RewardStats, timing: RewardTimeCallback) -> dict[str, Any]:
    """The stage's summary: first/last mean reward and component means, reward throughput and time share."""
    rewarded = [entry for entry in history if "reward" in entry]
    summary: dict[str, Any] = {}
    if rewarded:
        for key, value in rewarded[0].items():
            if key == "reward" or key.startswith("rewards/"):
                summary[f"first_{key}"] = value
        for key, value in rewarded[-1].items():
            if key == "reward" or key.startswith("rewards/"):
                summary[f"last_{key}"] = value
    summary["completions_verified"] = stats.completions
    summary["reward_calls"] = stats.calls
    if stats.seconds > 0:
        summary["reward_completions_per_s"] = round(stats.completions / stats.seconds, 2)
    if timing.step_seconds > 0:
        summary["reward_time_share"] = round(timing.reward_seconds / timing.step_seconds, 4)
    return summary
