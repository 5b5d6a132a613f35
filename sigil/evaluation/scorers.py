"""Scorers: named per-sample metrics computed from a checked batch. Built-ins register like plugins do."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

from sigil.evaluation.samples import Sample
from sigil.plugins import Kind


@dataclass
class EvalBatch:
    """Samples with their extracted code and check results; the syntax-tree scores are computed once, lazily."""

    samples: list[Sample]
    sources: list[str]
    checks: list[dict[str, Any]]
    weights: dict[str, float] | None = None
    threads: int | None = None
    #: The full validated pipeline config, when there is one: plugin scorers read their own section here.
    pipeline: Any = None
    #: The ``eval`` section the batch is evaluated under (sandbox, limits); None means its defaults.
    eval_config: Any = None

    @cached_property
    def syntax(self) -> list[dict[str, Any]]:
        """The native syntax-tree report of each source (idiomatic score, features, documentation)."""
        from sigil.evaluation.evaluate import evaluator_module

        return evaluator_module().score(self.sources, weights=self.weights, threads=self.threads)


class Scorer(Protocol):
    """Turns a checked batch into one ``dict[str, float]`` of named metrics per sample.

    A metric that does not apply to a sample (clippy warnings of a program that does not compile) is NaN:
    averages skip it, and the report says over how many samples each average was taken.
    """

    def score(self, batch: EvalBatch) -> list[dict[str, float]]: ...


class CompileScorer:
    """``compiles``: 1 when the sample compiled, else 0 (rejected and pre-filtered samples are 0)."""

    def score(self, batch: EvalBatch) -> list[dict[str, float]]:
        return [{"compiles": float(check["compiles"])} for check in batch.checks]


class ClippyScorer:
    """``clippy_warnings``, ``clippy_density`` (warnings per 100 non-blank lines, the compiler-grounded twin of
    the idiomatic score) and ``clippy_clean`` (no warnings), only for samples that compiled (else NaN; a sample
    that does not compile is not clean)."""

    def score(self, batch: EvalBatch) -> list[dict[str, float]]:
        scores = []
        for check, source in zip(batch.checks, batch.sources, strict=True):
            if check["compiles"]:
                warnings = float(check["clippy_warnings"])
                lines = max(1, sum(1 for line in source.splitlines() if line.strip()))
                scores.append(
                    {
                        "clippy_warnings": warnings,
                        "clippy_density": round(100.0 * warnings / lines, 4),
                        "clippy_clean": float(warnings == 0),
                    }
                )
            else:
                scores.append({"clippy_warnings": math.nan, "clippy_density": math.nan, "clippy_clean": 0.0})
        return scores


class IdiomaticScorer:
    """``idiomatic_score`` in [0, 1] from the native syntax-tree scorer, and each detected feature's count as
    ``feature/<name>`` (their averages show which habits move the score)."""

    def score(self, batch: EvalBatch) -> list[dict[str, float]]:
        return [
            {
                "idiomatic_score": float(report["idiomatic_score"]),
                **{f"feature/{name}": float(count) for name, count in report["features"].items()},
            }
            for report in batch.syntax
        ]


class DocScorer:
    """``doc_ratio`` (share of items documented; NaN for a sample with no items) and ``doc_comments`` (count)."""

    def score(self, batch: EvalBatch) -> list[dict[str, float]]:
        scores = []
        for report in batch.syntax:
            doc = report["doc"]
            ratio = doc["documented_ratio"]
            scores.append(
                {"doc_ratio": math.nan if ratio is None else float(ratio), "doc_comments": float(doc["doc_comments"])}
            )
        return scores


class SelfTestsScorer:
    """The sample's own ``#[test]`` functions, built with ``--test`` and run in the sandbox: ``self_tests_pass``
    (1 when every test passed) and ``self_tests_fraction``; NaN for samples with no tests or that do not compile.
    Not in the default scorers: it builds and runs code, which costs far more than scoring."""

    def score(self, batch: EvalBatch) -> list[dict[str, float]]:
        from sigil.evaluation.config import EvalConfig
        from sigil.evaluation.functional import run_tests

        testable = [
            index
            for index, (source, check) in enumerate(zip(batch.sources, batch.checks, strict=True))
            if check["compiles"] and "#[test]" in source
        ]
        programs = [{"source": batch.sources[i], "kind": "unit"} for i in testable]
        results = run_tests(programs, batch.eval_config or EvalConfig()).results
        scores: list[dict[str, float]] = [{"self_tests_pass": math.nan, "self_tests_fraction": math.nan} for _ in batch.sources]
        for index, result in zip(testable, results, strict=True):
            if result.tests_total == 0 or result.status == "error":
                continue  # `#[test]` only in a comment or string; or the harness could not run it: no verdict
            scores[index] = {
                # Passed means every test passed on the harness's own evidence; the two keys never disagree.
                "self_tests_pass": float(result.passed and result.tests_passed == result.tests_total),
                "self_tests_fraction": result.tests_passed / result.tests_total,
            }
        return scores


#: ``registry(SCORERS)``: the registered scorers.
SCORERS: Kind[Scorer] = Kind("scorers")
