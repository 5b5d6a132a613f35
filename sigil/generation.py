"""What a generator is, as the ``generate`` and ``rsft`` stages call it (generators register through
``register_generators``).

A generator owns its model: it receives a :class:`ModelRef` (what to sample from) and loads what it needs, so a
generator backed by a server never pays for an in-process load it does not use. It yields each completion as it
finishes; the caller appends it to a progress file keyed by (problem, sample), so a killed run resumes with
neither gaps nor duplicates.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sigil.plugins import Kind
from sigil.training import PromptFormat


@dataclass(frozen=True)
class SamplingSettings:
    """How to sample, resolved from the ``generate`` section (every key lands here)."""

    temperature: float
    top_p: float
    max_new_tokens: int
    batch_size: int
    seed: int
    stop: tuple[str, ...]
    chat_template: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Job:
    """One sequence to generate: sample number ``sample`` of ``problem``'s prompt, with its own stop sequences."""

    problem: str
    prompt: str
    sample: int
    stop: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, int]:
        """What identifies this job's completion in a progress file."""
        return (self.problem, self.sample)


@dataclass(frozen=True)
class ModelRef:
    """What to sample from, named, not loaded.

    :param base: hub name or directory of the base model (``sigil-tiny:`` names already materialised).
    :param adapter: a PEFT adapter directory trained on ``base``, or None.
    :param merged: a directory holding a whole model to use instead of ``base`` + ``adapter`` (a ``full``
        fine-tune's output, or an adapter already merged into its base), or None.
    :param quantization: how an in-process generator loads the weights (None: the dtype as configured).
    :param prompt_format: the prompt format the model was trained on (the ``prompt_format.json`` record of the
        adapter, merged model or base directory), or None when it has no record; part of :meth:`to_json`, so a
        change of training format changes every resume key the reference is in.
    """

    base: str
    adapter: str | None = None
    merged: str | None = None
    quantization: str | None = None
    prompt_format: PromptFormat | None = None

    @property
    def weights(self) -> str:
        """The directory (or hub name) whose weights are loaded before any adapter."""
        return self.merged or self.base

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Completion:
    """One finished job: its text cut before the first stop sequence, and the tokens it took to generate."""

    job: Job
    text: str
    tokens: int


@dataclass
class GenerationRequest:
    """Everything one generator call needs.

    :param model: what to sample from.
    :param jobs: every sequence of the stage, in a fixed order (a generator may batch them as it likes, but the
        same jobs and settings must give the same completions however many were already done).
    :param settings: sampling settings.
    :param options: the ``generate`` config section; a generator reads its own keys from it (and names them in
        :meth:`Generator.identity`).
    :param done: keys of jobs already completed (a resumed run): not generated again.
    :param work_dir: scratch space of the calling stage (merged weights, a managed server's log).
    :param log: where progress and decisions are logged.
    """

    model: ModelRef
    jobs: list[Job]
    settings: SamplingSettings
    options: Any
    done: frozenset[tuple[str, int]] = frozenset()
    work_dir: Path = field(default_factory=Path.cwd)
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("sigil.generate"))


class Generator(Protocol):
    """Turns jobs into completions and yields each as soon as it is done, so the caller can save it."""

    def identity(self, options: Any) -> dict[str, Any]:
        """The settings of this generator (from the ``generate`` section) that change the completions, beyond the
        model, jobs and sampling settings: they join the resume key, so a changed one never reuses old samples."""
        ...

    def generate(self, request: GenerationRequest) -> Iterator[Completion]:
        """Yield one :class:`Completion` for every job not in ``request.done``, in any order.

        The same request gives the same completions, whether earlier jobs were done in this call or a killed one.
        """
        ...


#: ``registry(GENERATORS)``: the registered generators.
GENERATORS: Kind[Generator] = Kind("generators")
