"""The keep rule: which verified samples of a round become training data.

Per sample, in order: ``require_compile`` (it compiled), ``require_tests_pass`` (it passed its problem's tests),
``min_quality`` (the evaluator's per-sample ``quality``, the weighted mean of ``eval.quality_weights``). With
``fallback_compile``, a prompt none of whose samples passed its tests, and some of whose samples did not compile,
keeps its compiling samples instead: partial credit relative to the prompt's own samples, as a group-normalised
reward gives it (where every sample compiled, compiling singles none out, and keeping them would only teach wrong
answers). Then per prompt: best quality first (ties: lower sample number), a sample whose whitespace-normalised code equals one
already kept for that prompt is a duplicate (``dedup``; with ``accumulate`` earlier rounds count too), and at
most ``max_per_prompt`` are kept. Every rejected sample is counted under the first reason that rejected it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sigil_generate.config import RsftSection


@dataclass(frozen=True)
class Verdict:
    """What verification found about one sample."""

    problem: str
    sample: int
    compiles: bool
    quality: float
    #: True/False when the problem has tests and they were run; None otherwise.
    passed: bool | None
    #: The code that was checked (dedup compares it).
    code: str


@dataclass
class KeepResult:
    """The samples kept, in prompt order then rank, and how many were rejected for each reason."""

    kept: list[Verdict] = field(default_factory=list)
    rejected: Counter[str] = field(default_factory=Counter)
    #: How many of ``kept`` failed their tests and were kept by ``fallback_compile``.
    fallback: int = 0


def normalise(code: str) -> str:
    """Code with runs of whitespace collapsed: reformatted copies of one answer are duplicates."""
    return " ".join(code.split())


def select(verdicts: Iterable[Verdict], rule: RsftSection, seen: Mapping[str, set[str]] | None = None) -> KeepResult:
    """Apply the keep rule.

    :param verdicts: every sample of the round.
    :param rule: the ``rsft`` section (``require_compile``, ``require_tests_pass``, ``min_quality``,
        ``max_per_prompt``, ``dedup``).
    :param seen: prompt → normalised code already kept in earlier rounds (dedup against them too).
    """
    result = KeepResult()
    eligible: dict[str, list[Verdict]] = defaultdict(list)
    failed: dict[str, list[Verdict]] = defaultdict(list)  # compiled, failed tests, passed the rest of the rule
    order: dict[str, None] = {}  # prompts in the order they come
    broken: set[str] = set()  # prompts with a sample that did not compile
    for verdict in verdicts:
        order.setdefault(verdict.problem)
        if not verdict.compiles:
            broken.add(verdict.problem)
        reason = _rejection(verdict, rule)
        if reason == "failed tests" and rule.fallback_compile and _rejection(verdict, rule, tests=False) is None:
            failed[verdict.problem].append(verdict)
        elif reason:
            result.rejected[reason] += 1
        else:
            eligible[verdict.problem].append(verdict)
    fallback: set[str] = set()
    for problem, candidates in failed.items():
        if problem in eligible or problem not in broken:
            result.rejected["failed tests"] += len(candidates)
        else:
            eligible[problem] = candidates
            fallback.add(problem)
    for problem in order:
        candidates = eligible.get(problem, [])
        taken = set((seen or {}).get(problem, set()))
        count = 0
        for verdict in sorted(candidates, key=lambda v: (-v.quality, v.sample)):
            key = normalise(verdict.code)
            if rule.dedup and key in taken:
                result.rejected["duplicate"] += 1
                continue
            if count >= rule.max_per_prompt:
                result.rejected["over max_per_prompt"] += 1
                continue
            taken.add(key)
            count += 1
            result.kept.append(verdict)
            result.fallback += problem in fallback
    return result


def _rejection(verdict: Verdict, rule: RsftSection, tests: bool = True) -> str | None:
    if (rule.require_compile or not tests) and not verdict.compiles:
        return "did not compile"
    if tests and rule.require_tests_pass and verdict.passed is not True:
        return "failed tests"
    if rule.min_quality is not None and not verdict.quality >= rule.min_quality:  # NaN never passes
        return "below min_quality"
    return None
