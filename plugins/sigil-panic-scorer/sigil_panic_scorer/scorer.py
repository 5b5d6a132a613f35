"""The ``panics`` scorer: panicking calls in library code, per sample."""

from __future__ import annotations

import math

from sigil import EvalBatch
from sigil_panic_scorer.config import PanicsSection
from sigil_panic_scorer.scan import Place, find_panics

METRICS = ("panic_calls", "panic_free", "panic_density")


class PanicScorer:
    """``panic_calls`` (count), ``panic_free`` (1.0 when there are none) and ``panic_density`` (calls per
    ``per_lines`` counted lines; NaN when the sample has no counted code, e.g. everything is in ``main``).

    Calls in ``fn main`` and in tests are left out unless the section says otherwise. A sample with no code
    at all gets NaN everywhere, so it earns no ``panic_free`` credit in the quality score.
    """

    def __init__(self, defaults: PanicsSection | None = None) -> None:
        self.defaults = defaults or PanicsSection()

    def section(self, batch: EvalBatch) -> PanicsSection:
        """The ``panics:`` section of the config the batch was evaluated with, else the defaults.

        ``batch.pipeline`` is the full validated config of the run (``None`` when the batch has none).
        """
        section = getattr(batch.pipeline, "panics", None)
        return section if isinstance(section, PanicsSection) else self.defaults

    def score(self, batch: EvalBatch) -> list[dict[str, float]]:
        section = self.section(batch)
        return [score_source(source, section) for source in batch.sources]


def score_source(source: str, section: PanicsSection) -> dict[str, float]:
    """The three metrics for one source under one configuration."""
    if not source.strip():
        return dict.fromkeys(METRICS, math.nan)
    counted: set[Place] = {"library"}
    if not section.allow_in_main:
        counted.add("main")
    if not section.allow_in_tests:
        counted.add("test")
    scan = find_panics(source, section.apis, indexing=section.indexing)
    calls = scan.count(counted)
    lines = scan.code_lines(counted)
    return {
        "panic_calls": float(calls),
        "panic_free": float(calls == 0),
        "panic_density": calls * section.per_lines / lines if lines else math.nan,
    }
