"""sigil-panic-scorer: count panicking APIs (unwrap, expect, panic!, ...) in library code."""

from sigil_panic_scorer.config import PanicsSection
from sigil_panic_scorer.scan import PanicScan, PanicSite, find_panics
from sigil_panic_scorer.scorer import PanicScorer, score_source

__version__ = "0.1.0"

__all__ = ["PanicScan", "PanicScorer", "PanicSite", "PanicsSection", "__version__", "find_panics", "score_source"]
