"""Trainer callbacks: metrics to sigil's loggers, CUDA cache clearing, the training-curve summary, GRPO's reward time
and snapshots of the model during a run."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

from sigil import StepProgress, format_eta

#: HF log keys → sigil metric names.
RENAMES = {"loss": "loss", "eval_loss": "eval_loss", "learning_rate": "lr", "grad_norm": "grad_norm",
           "mean_token_accuracy": "token_accuracy", "eval_mean_token_accuracy": "eval_token_accuracy"}


class MetricsCallback(TrainerCallback):
    """Forwards each logging step to ``ctx.log_metrics`` (metrics.jsonl, TensorBoard) from rank 0 only, and shows
    progress: a bar with loss, tokens/s and ETA on a terminal, else one plain line per logging step with the ETA.

    Adds ``tokens_per_s``: non-padding input tokens since the last training log over the wall time since then.

    :param passthrough: prefixes of further log keys forwarded under their own name (the ``grpo`` stage's
        ``reward``, ``kl``, ``rewards/...``); the SFT keys are renamed by :data:`RENAMES`.
    """

    def __init__(self, ctx: Any, passthrough: tuple[str, ...] = ()) -> None:
        self.ctx = ctx
        self.passthrough = passthrough
        self.history: list[dict[str, Any]] = []
        self._last_time: float | None = None
        self._last_tokens = 0
        self.progress = StepProgress(f"{ctx.name}: training")

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self._last_time = time.monotonic()
        self._last_tokens = state.num_input_tokens_seen
        if state.is_world_process_zero:
            self.progress.start(total=state.max_steps, done=state.global_step)

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if state.is_world_process_zero:
            self.progress.update(state.global_step)

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.progress.close()

    def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        if not state.is_world_process_zero or not logs:
            return
        metrics = {RENAMES[key]: float(value) for key, value in logs.items() if key in RENAMES}
        metrics.update({key: float(value) for key, value in logs.items()
                        if key not in RENAMES and key.startswith(self.passthrough) and value is not None})
        if "loss" in metrics and self._last_time is not None:
            now = time.monotonic()
            tokens = state.num_input_tokens_seen - self._last_tokens
            if now > self._last_time and tokens > 0:
                metrics["tokens_per_s"] = round(tokens / (now - self._last_time), 1)
            self._last_time, self._last_tokens = now, state.num_input_tokens_seen
        if not metrics:
            return
        self.history.append({"step": state.global_step, **metrics})
        eta = format_eta(self.progress.eta_seconds(state.global_step)) if "loss" in metrics else None
        self.ctx.log.info("step %d/%d: %s%s", state.global_step, state.max_steps,
                          ", ".join(f"{k} {v:.4g}" for k, v in metrics.items()), f", eta {eta}" if eta else "",
                          extra={"progress": True})
        if "loss" in metrics:
            self.progress.update(state.global_step, {k: metrics[k] for k in ("loss", "tokens_per_s") if k in metrics})
        self.ctx.log_metrics(metrics, step=state.global_step)

    def summary(self) -> dict[str, Any]:
        """First/last/min training loss and every eval loss: the model card's training-curve summary."""
        losses = [(entry["step"], entry["loss"]) for entry in self.history if "loss" in entry]
        evals = [(entry["step"], entry["eval_loss"]) for entry in self.history if "eval_loss" in entry]
        speeds = [entry["tokens_per_s"] for entry in self.history if "tokens_per_s" in entry]
        summary: dict[str, Any] = {}
        if losses:
            summary.update(first_loss=losses[0][1], last_loss=losses[-1][1], min_loss=min(v for _, v in losses))
        if evals:
            summary.update(eval_losses=evals, last_eval_loss=evals[-1][1])
        if speeds:
            summary["median_tokens_per_s"] = sorted(speeds)[len(speeds) // 2]
        return summary


class ClearCacheCallback(TrainerCallback):
    """``train.clear_cache_every_n_steps``: empty the CUDA caching allocator every N optimizer steps."""

    def __init__(self, every: int) -> None:
        self.every = every
        self.clears = 0

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self.every and state.global_step % self.every == 0:
            import torch

            if torch.cuda.is_available():
                torch.cuda.empty_cache()
            self.clears += 1


class RewardTimeCallback(TrainerCallback):
    """Logs, per optimizer step, the seconds spent in the reward function (the evaluator) against the whole step
    (generation + reward + update): ``reward_s``, ``step_s``, ``reward_time_share``. ``stats`` is the reward
    function's running total (``.seconds``; ``sigil_train.grpo.rewards.RewardStats``)."""

    def __init__(self, ctx: Any, stats: Any) -> None:
        self.ctx = ctx
        self.stats = stats
        self.step_seconds = 0.0
        self.reward_seconds = 0.0
        self._start: tuple[float, float] | None = None

    def on_step_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self._start = (time.monotonic(), self.stats.seconds)

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self._start is None:
            return
        step_s = time.monotonic() - self._start[0]
        reward_s = self.stats.seconds - self._start[1]
        self._start = None
        self.step_seconds += step_s
        self.reward_seconds += reward_s
        if state.is_world_process_zero and step_s > 0:
            self.ctx.log_metrics({"reward_s": round(reward_s, 4), "step_s": round(step_s, 4),
                                  "reward_time_share": round(reward_s / step_s, 4)}, step=state.global_step)


def snapshot_name(step: int) -> str:
    return f"step-{step:06d}"


class SnapshotCallback(TrainerCallback):
    """Saves the model after each of ``steps`` (optimizer steps) through ``save(path)``, into
    ``directory/step-NNNNNN``. transformers calls ``on_step_end`` before it writes the step's checkpoint, so a run
    resumed from a checkpoint finds every snapshot up to it; a later one is rewritten when its step is trained again."""

    def __init__(self, steps: tuple[int, ...], directory: Path, save: Callable[[Path], None]) -> None:
        self.steps = set(steps)
        self.directory = directory
        self.save = save

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if state.global_step in self.steps:
            path = self.directory / snapshot_name(state.global_step)
            if state.is_world_process_zero:
                shutil.rmtree(path, ignore_errors=True)
            self.save(path)
