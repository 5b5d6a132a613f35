"""What a stage is: the protocol stage types follow, the context a stage runs in, what it returns."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

from pydantic import BaseModel

from sigil.config.section import Section
from sigil.errors import ConfigError
from sigil.plugins import Kind

if TYPE_CHECKING:
    from sigil.config.schema import CoreConfig, StageSpec


class NoOptions(Section):
    """Options model of a stage type that takes none."""


class Stage(Protocol):
    """A stage type. Registered with ``register_stages``; instantiated once per run of the stage."""

    #: The ``options:`` of a stage entry, validated strictly.
    Options: ClassVar[type[BaseModel]]
    #: Config keys (sections, top-level or dotted keys) the stage's own code reads; part of its fingerprint.
    #: What its components (filters, scorers, ...) read is added from their registration (see ``uses``).
    config_keys: ClassVar[tuple[str, ...]]
    #: Bump when the stage's code changes what it produces, so old results are not reused.
    version: ClassVar[str]
    # Optional: ``distributed = True`` when every rank of a multi-process launch (torchrun) must run the stage
    # together (training); other stages run on rank 0 alone (see sigil.pipeline.distributed).

    # ``StageContext[Any]``: the runner hands each stage options validated by its own ``Options`` model, a link
    # made at run time. Each stage writes ``def run(self, ctx: StageContext[MyOptions])``, so mypy checks every
    # option it reads.
    def run(self, ctx: StageContext[Any]) -> StageResult:
        """Do the work, writing artifacts under ``ctx.out_dir``."""
        ...

    # Optional: ``@classmethod def check(cls, config, options) -> None`` raising SigilError on a config the
    # stage cannot run with; called for every stage before the first one runs.
    # Optional: ``@classmethod def uses(cls, config, options) -> Mapping[str, Iterable[str]]`` naming the
    # components the stage will use, by kind: ``{"scorers": config.eval.scorers}``. The config keys each one
    # declared with ``register(name, component, reads=(...))`` join the stage's fingerprint.
    # Optional: ``@classmethod def inputs_fingerprint(cls, config, options) -> JSON-able`` describing the
    # content of external inputs the markers cannot see. Prefer marking the option or config field that names
    # a file with ``InputPath``: the runner then hashes the file's content itself.


#: ``registry(STAGES)``: the registered stage types.
STAGES: Kind[type[Stage]] = Kind("stages")


@dataclass(frozen=True)
class StageOutput:
    """A completed stage's result as later stages see it."""

    name: str
    type: str
    dir: Path
    fingerprint: str
    artifacts: dict[str, str]
    metrics: dict[str, Any]

    def artifact(self, key: str) -> Path:
        """The absolute path of an artifact this stage declared."""
        try:
            return self.dir / self.artifacts[key]
        except KeyError:
            raise ConfigError(
                f"stage {self.name!r} ({self.type}) has no artifact {key!r}; it has: {', '.join(self.artifacts)}"
            ) from None


@dataclass
class StageResult:
    """What a stage returns: artifact paths relative to ``out_dir``, and summary metrics."""

    artifacts: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)


#: A stage's options model (``Stage.Options``).
OptionsT = TypeVar("OptionsT", bound=BaseModel)


@dataclass
class StageContext(Generic[OptionsT]):
    """Everything a running stage may use. Stages write only under ``out_dir`` and ``work_dir``.

    ``StageContext[MyOptions]``: ``options`` is the stage entry's ``options:``, validated by ``MyOptions``.
    """

    spec: StageSpec
    config: CoreConfig
    options: OptionsT
    run_dir: Path
    #: Fresh, private directory; renamed into place only when the stage completes.
    out_dir: Path
    #: Kept across crashes and re-runs of this stage (checkpoints, partial progress).
    work_dir: Path
    upstream: dict[str, StageOutput]
    log: logging.Logger
    #: False on the non-leading ranks of a multi-process launch: only rank 0 reports metrics.
    reports_metrics: bool = True
    #: The stage's fingerprint: everything its result depends on (options, the config keys it and its components
    #: read, input file contents, earlier stages). Work kept in ``work_dir`` (checkpoints, finished batches) may
    #: be resumed when it was made under the same fingerprint: use it as the resume key rather than a second
    #: hand-made list of keys.
    fingerprint: str = ""

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def type(self) -> str:
        return self.spec.type

    def input(self, role: str, types: tuple[str, ...]) -> StageOutput:
        """The earlier stage that feeds this one in ``role``: the one named in the stage's ``inputs``, else the
        latest earlier stage whose type is in ``types``."""
        if role in self.spec.inputs:
            wanted = self.spec.inputs[role]
            if wanted not in self.upstream:
                raise ConfigError(f"stage {self.name!r}: inputs.{role} names {wanted!r}, which is not an earlier stage")
            return self.upstream[wanted]
        for output in reversed(list(self.upstream.values())):
            if output.type in types:
                return output
        raise ConfigError(
            f"stage {self.name!r} needs an earlier stage of type {' or '.join(types)} for its {role!r} input"
        )

    def log_metrics(self, metrics: dict[str, Any], step: int | None = None) -> None:
        """Send metrics to every logger plugin (``on_metrics``): metrics.jsonl, TensorBoard, ..."""
        if not self.reports_metrics:
            return
        from sigil.plugins import hook

        hook().on_metrics(run_dir=str(self.run_dir), stage=self.name, step=step, metrics=metrics)
