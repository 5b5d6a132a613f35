"""What a trainer is, as training stages call it (trainers register through ``register_trainers``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

#: How an instruct prompt is rendered for a tokenizer without a chat template. Training and generation both use
#: it, so a model is sampled in exactly the format it was fine-tuned on.
DEFAULT_PROMPT_TEMPLATE = "### Instruction:\n{prompt}\n\n### Response:\n"


@dataclass
class TrainRequest:
    """Everything one training run needs.

    :param config: the stage's resolved pipeline config (``train``, ``lora``, ``bnb_4bit``, core keys).
    :param ctx: the stage context (``out_dir`` for artifacts, ``work_dir`` for checkpoints, ``log_metrics``).
    :param train_path: the data stage's ``train.jsonl``.
    :param validation_path: its ``validation.jsonl``, or ``None`` when the data stage wrote none.
    :param phase: the stage's ``phase`` option (1, 2, ...), recorded in the model card.
    :param run_key: identifies this exact run (config + data); checkpoints with another key are discarded.
    """

    config: Any
    ctx: Any
    train_path: Path
    validation_path: Path | None
    phase: int | None
    run_key: str


@dataclass
class TrainOutcome:
    """Artifacts (relative to ``ctx.out_dir``) and summary metrics of a finished run."""

    artifacts: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)


class Trainer(Protocol):
    """A trainer: fine-tunes ``config.model_name`` on the request's data."""

    def train(self, request: TrainRequest) -> TrainOutcome:
        """Train, write the adapter (or model), ``trainer_args.json`` and the model card under ``ctx.out_dir``."""
        ...
