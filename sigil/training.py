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
    """Everything one training run needs, as typed fields: a stage says what to train, for how long, from what
    and where to, and never by editing the config the trainer reads (``config.train.*`` stays as the user wrote it).

    :param config: the stage's resolved pipeline config (``train``, ``lora``, ``bnb_4bit``, core keys): how to train.
    :param ctx: the stage context (``log``, ``log_metrics``; ``out_dir``/``work_dir`` unless given below).
    :param train_path: the training records (the data stage's ``train.jsonl``, or an RSFT round's kept samples).
    :param validation_path: validation records, or ``None``.
    :param phase: the stage's ``phase`` option (1, 2, ...), recorded in the model card.
    :param run_key: identifies this exact run (a stage passes its ``ctx.fingerprint``, with what it adds per run);
        checkpoints with another key are discarded.
    :param max_steps: optimizer steps to train. Exactly one of ``max_steps`` and ``epochs`` is set.
    :param epochs: passes over the training rows instead: steps = ceil(epochs x rows / effective batch rows).
    :param warm_start: an adapter directory (LoRA kinds) or model directory (``full``) to continue from, or ``None``.
    :param base_model: the base model (hub name, path or ``sigil-tiny:`` spec); ``None``: ``config.model_name``.
    :param out_dir: where the adapter, card and ``trainer_args.json`` go; ``None``: ``ctx.out_dir``.
    :param work_dir: where checkpoints go; ``None``: ``ctx.work_dir``.
    """

    config: Any
    ctx: Any
    train_path: Path
    validation_path: Path | None
    phase: int | None
    run_key: str
    max_steps: int | None = None
    epochs: float | None = None
    warm_start: Path | None = None
    base_model: str | None = None
    out_dir: Path | None = None
    work_dir: Path | None = None

    def __post_init__(self) -> None:
        if (self.max_steps is None) == (self.epochs is None):
            raise ValueError("TrainRequest: set exactly one of max_steps and epochs")
        if self.max_steps is not None and self.max_steps <= 0 or self.epochs is not None and self.epochs <= 0:
            raise ValueError("TrainRequest: max_steps and epochs must be positive")

    @property
    def output_dir(self) -> Path:
        return Path(self.out_dir) if self.out_dir is not None else Path(self.ctx.out_dir)

    @property
    def checkpoint_dir(self) -> Path:
        return Path(self.work_dir) if self.work_dir is not None else Path(self.ctx.work_dir)


@dataclass
class TrainOutcome:
    """Artifacts (relative to ``ctx.out_dir``) and summary metrics of a finished run."""

    artifacts: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)


class Trainer(Protocol):
    """A trainer: fine-tunes ``config.model_name`` on the request's data."""

    def train(self, request: TrainRequest) -> TrainOutcome:
        """Train, write the adapter (or model), ``trainer_args.json`` and the model card under ``request.output_dir``."""
        ...
