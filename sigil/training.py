"""What a trainer is, as training stages call it (trainers register through ``register_trainers``)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, cast, get_args

from sigil.plugins import Kind

#: How an instruct prompt is rendered for a tokenizer without a chat template. Training and generation both use
#: it, so a model is sampled in exactly the format it was fine-tuned on.
DEFAULT_PROMPT_TEMPLATE = "### Instruction:\n{prompt}\n\n### Response:\n"

#: The file, inside a trained adapter (or model) directory, that says which prompt format it was trained on.
PROMPT_FORMAT_FILE = "prompt_format.json"

PromptKind = Literal["raw", "instruct", "chat"]


@dataclass(frozen=True)
class PromptFormat:
    """How a model was trained to see a prompt, so generation can prompt it the same way.

    The training plugin writes it beside the weights it saves (and an export copies it), the generation plugin
    reads it when ``generate.chat_template`` is ``auto``: both plugins share this one type and reader.

    :param kind: ``raw``: plain code, a prompt is continued as text (``task: code`` records only); ``instruct``:
        prompt/completion pairs rendered with ``template``; ``chat``: conversations rendered with ``template``.
    :param template: the template text the prompts were rendered with: the tokenizer's chat template (Jinja), or
        :data:`DEFAULT_PROMPT_TEMPLATE` for an instruct model whose tokenizer has none; ``None`` for ``raw``.
    """

    kind: PromptKind
    template: str | None = None

    @property
    def wrapped(self) -> bool:
        """Whether generation prompts are wrapped in the template (``generate.chat_template: true``)."""
        return self.kind != "raw"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def write(self, directory: Path) -> Path:
        """Write ``PROMPT_FORMAT_FILE`` into ``directory`` (atomically)."""
        from sigil.io import atomic_write_json

        path = Path(directory) / PROMPT_FORMAT_FILE
        atomic_write_json(path, self.to_json())
        return path

    @classmethod
    def read(cls, directory: str | Path) -> PromptFormat | None:
        """The record in ``directory``, or ``None`` when there is none (a base model, or a hub name).

        :raises ConfigError: the file exists but is not a valid record (names the file and the field).
        """
        from sigil.errors import ConfigError

        path = Path(directory) / PROMPT_FORMAT_FILE
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{path}: not a JSON prompt-format record ({exc})") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: expected an object with 'kind' and 'template'")
        kind, template = data.get("kind"), data.get("template")
        if kind not in get_args(PromptKind):
            raise ConfigError(f"{path}: kind: expected one of {', '.join(get_args(PromptKind))}, got {kind!r}")
        if template is not None and not isinstance(template, str):
            raise ConfigError(f"{path}: template: expected a string or null, got {type(template).__name__}")
        if kind != "raw" and not template:
            raise ConfigError(f"{path}: template: a {kind} record needs the template text it was trained with")
        return cls(kind=cast(PromptKind, kind), template=template)


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


#: ``registry(TRAINERS)``: the registered trainers.
TRAINERS: Kind[Trainer] = Kind("trainers")
