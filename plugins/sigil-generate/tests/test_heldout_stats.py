"""The held-out statistics: exact McNemar on discordant pairs, a seeded bootstrap interval."""

from __future__ import annotations

import pytest
from sigil_generate.rsft.heldout import HeldoutVerdict, bootstrap_interval, heldout_metrics, mcnemar_exact


def test_mcnemar_counts_discordant_pairs_and_gives_the_exact_two_sided_p():
    before = [False] * 10 + [True] * 5 + [False] * 5
    after = [True] * 10 + [True] * 5 + [False] * 5
    assert mcnemar_exact(before, after) == (0, 10, pytest.approx(2 / 1024))
    assert mcnemar_exact([True, False], [False, True]) == (1, 1, 1.0)
    assert mcnemar_exact([True], [True]) == (0, 0, 1.0)


def test_bootstrap_interval_is_seeded_and_brackets_the_mean():
    values = [True] * 30 + [False] * 70
    low, high = bootstrap_interval(values, seed=3)
    assert (low, high) == bootstrap_interval(values, seed=3)
    assert low < 0.3 < high and high - low < 0.25


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
