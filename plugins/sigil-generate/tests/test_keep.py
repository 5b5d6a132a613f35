"""The keep rule on hand-made verdicts (what verification would report)."""

from __future__ import annotations

import math

import pytest
from sigil_generate.config import RsftSection
from sigil_generate.rsft.keep import Verdict, normalise, select


def verdict(problem: str, sample: int, quality: float, compiles: bool = True, passed: bool | None = None, code: str | None = None):
    return Verdict(problem, sample, compiles, quality, passed, code if code is not None else f"fn {problem}{sample}() {{}}")


def test_best_quality_first_ties_by_sample_number_per_prompt():
    rule = RsftSection(min_quality=0.1, max_per_prompt=2)
    verdicts = [verdict("a", 0, 0.5), verdict("a", 1, 0.9), verdict("a", 2, 0.9), verdict("b", 0, 0.2), verdict("b", 1, 0.3)]
    result = select(verdicts, rule)
    assert [(v.problem, v.sample) for v in result.kept] == [("a", 1), ("a", 2), ("b", 1), ("b", 0)]
    assert result.rejected == {"over max_per_prompt": 1}


def test_each_rejection_is_counted_under_its_first_reason():
    rule = RsftSection(min_quality=0.6, require_compile=True, require_tests_pass=True, max_per_prompt=5)
    verdicts = [
        verdict("a", 0, 0.9, compiles=False, passed=False),  # did not compile (first reason wins)
        verdict("a", 1, 0.9, passed=False),
        verdict("a", 2, 0.9, passed=None),  # tests never ran: not a pass
        verdict("a", 3, 0.5, passed=True),
        verdict("a", 4, math.nan, passed=True),  # a NaN quality never clears a threshold
        verdict("a", 5, 0.7, passed=True),
    ]
    result = select(verdicts, rule)
    assert [v.sample for v in result.kept] == [5]
    assert result.rejected == {"did not compile": 1, "failed tests": 2, "below min_quality": 2}


def test_dedup_against_earlier_rounds_and_whitespace():
    rule = RsftSection(min_quality=0.0, max_per_prompt=5)
    seen = {"a": {normalise("fn x() {\n    1\n}")}}
    verdicts = [verdict("a", 0, 0.9, code="fn x() { 1 }"), verdict("a", 1, 0.8, code="fn y() { 2 }"),
                verdict("b", 0, 0.9, code="fn x() { 1 }")]
    result = select(verdicts, rule, seen)
    assert [(v.problem, v.sample) for v in result.kept] == [("a", 1), ("b", 0)]
    assert result.rejected == {"duplicate": 1}
    assert seen == {"a": {normalise("fn x() { 1 }")}}  # the caller's record is not modified


def test_nothing_good_keeps_nothing():
    result = select([verdict("a", 0, 0.1, compiles=False)], RsftSection())
    assert result.kept == [] and result.rejected == {"did not compile": 1}


@pytest.mark.parametrize("threshold", [0.0, 1.0])
def test_threshold_is_inclusive(threshold):
    result = select([verdict("a", 0, threshold)], RsftSection(min_quality=threshold))
    assert len(result.kept) == 1


def test_fallback_compile_keeps_compiling_samples_only_where_nothing_passed():
    rule = RsftSection(min_quality=0.3, require_tests_pass=True, fallback_compile=True, max_per_prompt=5)
    verdicts = [
        verdict("a", 0, 0.9, passed=False),  # "a" has a pass: its failures stay rejected
        verdict("a", 1, 0.5, passed=True),
        verdict("b", 0, 0.9, passed=False),  # nothing of "b" passed: its compiling samples are kept
        verdict("b", 1, 0.8, compiles=False, passed=False),
        verdict("b", 2, 0.1, passed=False),  # the rest of the rule still applies (counted under its first reason)
        verdict("c", 0, 0.9, passed=True),
        verdict("d", 0, 0.9, passed=False),  # every sample of "d" compiled: compiling singles none out
        verdict("d", 1, 0.9, passed=False),
    ]
    result = select(verdicts, rule)
    assert [(v.problem, v.sample) for v in result.kept] == [("a", 1), ("b", 0), ("c", 0)]
    assert result.fallback == 1
    assert result.rejected == {"failed tests": 4, "did not compile": 1}
    off = select(verdicts, rule.model_copy(update={"fallback_compile": False}))
    assert [(v.problem, v.sample) for v in off.kept] == [("a", 1), ("c", 0)] and off.fallback == 0


def test_fallback_compile_needs_tests():
    with pytest.raises(ValueError, match="fallback_compile"):
        RsftSection(require_tests_pass=False, fallback_compile=True)
