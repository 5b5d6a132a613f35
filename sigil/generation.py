"""What a generator is, as the ``generate`` and ``rsft`` stages call it (generators register through
``register_generators``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any, Protocol


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


class Generator(Protocol):
    """Turns jobs into completions, one batch at a time, so a caller can save progress between batches."""

    def generate(self, model: Any, jobs: list[Job], settings: SamplingSettings, skip_batches: int = 0) -> Iterator[list[str]]:
        """Yield the completions of each batch of ``settings.batch_size`` jobs, in job order.

        :param model: the generator's loaded model (e.g. ``sigil_generate.model.GenerationModel``).
        :param jobs: every sequence to generate; batches are consecutive slices of this list.
        :param settings: sampling settings; the same settings and jobs give the same completions.
        :param skip_batches: batches already done (a resumed run): they are not generated again, and the
            batches after them come out exactly as in an uninterrupted run.
        :returns: each completion cut before its first stop sequence (the stop itself is removed).
        """
        ...
