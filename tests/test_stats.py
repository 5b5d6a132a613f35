"""The statistics runs are compared with: exact McNemar on discordant pairs, a seeded bootstrap interval."""

from __future__ import annotations

import pytest

from sigil import bootstrap_interval, mcnemar_exact


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
