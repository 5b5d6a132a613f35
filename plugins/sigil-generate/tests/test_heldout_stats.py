"""The held-out metrics: compared problem by problem, what failed counted (the statistics: tests/test_stats.py)."""

from __future__ import annotations

from sigil_generate.rsft.heldout import HeldoutVerdict, heldout_metrics


def test_metrics_compare_problem_by_problem_not_by_position():
    base = [HeldoutVerdict("a", "passed", ""), HeldoutVerdict("b", "compile_error", "")]
    after = [HeldoutVerdict("b", "passed", ""), HeldoutVerdict("a", "failed", "")]
    metrics = heldout_metrics(after, base)
    assert metrics["heldout_pass_at_1"] == 0.5 and metrics["heldout_compile_rate"] == 1.0
    assert (metrics["heldout_pass_gained"], metrics["heldout_pass_lost"]) == (1, 1)
    assert (metrics["heldout_compile_gained"], metrics["heldout_compile_lost"]) == (1, 0)


def test_metrics_count_what_failed_as_mappings():
    verdicts = [
        HeldoutVerdict("a", "compile_error", "", "type_mismatch", ["E0308", "E0599"], {}),
        HeldoutVerdict("b", "compile_error", "", "syntax", [], {}),
        HeldoutVerdict("c", "failed", "", None, [], {"clippy::needless_return": 2, "unused_variables": 1}),
        HeldoutVerdict("d", "compile_error", "", "type_mismatch", ["E0308"], {}),
        HeldoutVerdict("e", "passed", ""),  # a verdict file written before these were kept
    ]
    metrics = heldout_metrics(verdicts, None)
    assert metrics["heldout_error_types"] == {"type_mismatch": 2, "syntax": 1}
    assert metrics["heldout_error_codes"] == {"E0308": 2, "E0599": 1}
    assert metrics["heldout_clippy_lints"] == {"clippy::needless_return": 2}
    assert list(metrics["heldout_error_types"]) == ["type_mismatch", "syntax"]  # most frequent first
