"""Trainer callbacks: metrics to sigil's loggers, CUDA cache clearing, the training-curve summary."""

from __future__ import annotations

import time
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
    """

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
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
