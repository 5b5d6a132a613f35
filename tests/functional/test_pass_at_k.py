"""pass@k against brute-force enumeration of every k-subset, and its edges."""

from __future__ import annotations

import itertools
import math

import pytest

from sigil.functional.pass_at_k import pass_at_k, suite_pass_at_k


def brute_force(n: int, c: int, k: int) -> float:
    samples = [True] * c + [False] * (n - c)
    subsets = list(itertools.combinations(range(n), k))
    return sum(any(samples[i] for i in s) for s in subsets) / len(subsets)


@pytest.mark.parametrize("n", range(1, 9))
def test_matches_enumeration_for_every_small_case(n: int) -> None:
    for c in range(n + 1):
        for k in range(1, n + 1):
            assert pass_at_k(n, c, k) == pytest.approx(brute_force(n, c, k), abs=1e-12), (n, c, k)


def test_matches_the_binomial_formula_where_binomials_are_huge() -> None:
    n, c, k = 200, 7, 50
    exact = 1 - math.comb(n - c, k) / math.comb(n, k)
    assert pass_at_k(n, c, k) == pytest.approx(exact, rel=1e-12)


def test_edges() -> None:
    assert pass_at_k(10, 0, 1) == 0.0
    assert pass_at_k(10, 10, 10) == 1.0
    assert pass_at_k(10, 1, 10) == 1.0  # fewer than k failures: some draw always holds the pass
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3)


@pytest.mark.parametrize(("n", "c", "k"), [(5, 6, 1), (5, -1, 1), (5, 2, 0), (5, 2, 6)])
def test_rejects_impossible_arguments(n: int, c: int, k: int) -> None:
    with pytest.raises(ValueError, match="pass@k needs"):
        pass_at_k(n, c, k)


def test_suite_average_and_skipped_k() -> None:
    block = suite_pass_at_k({"a": (4, 4), "b": (4, 0), "c": (2, 1)}, ks=[1, 2, 4])
    assert block["pass@1"] == pytest.approx((1.0 + 0.0 + 0.5) / 3)
    assert block["pass@2"] == pytest.approx((1.0 + 0.0 + 1.0) / 3)
    assert "pass@4" not in block and block["skipped"] == {"pass@4": ["c"]}
    assert block["per_problem"]["a"] == {"n": 4, "c": 4, "pass@1": 1.0, "pass@2": 1.0, "pass@4": 1.0}
    assert block["problems"] == 3
