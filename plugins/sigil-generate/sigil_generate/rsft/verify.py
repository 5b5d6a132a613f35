"""Verify a round's samples: the evaluator's compile + clippy + scorers, and the problems' tests when asked.

Everything comes from :func:`sigil.evaluation.evaluate.evaluate`, exactly what the ``evaluate`` stage reports:
with ``run_tests`` each suite sample is bound to its problem, so the program compile-checked is the program its
tests run (``eval.sandbox`` and the ``eval.functional`` limits apply).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sigil import ConfigError, EvalConfig, Sample, evaluate
from sigil_generate.rsft.keep import Verdict
from sigil_generate.stages.sampling import GeneratedSample


@dataclass
class Verification:
    """Per-sample verdicts and the evaluator's aggregate metrics of the round."""

    verdicts: list[Verdict]
    metrics: dict[str, Any]


def check_tests_possible(eval_config: EvalConfig, is_suite: bool) -> None:
    """Fail before any work when ``rsft.require_tests_pass`` cannot be honoured."""
    if not is_suite:
        raise ConfigError("rsft.require_tests_pass: generate.prompts has no tests (it is not a problem suite)")


def verify(samples: list[GeneratedSample], eval_config: EvalConfig, seed: int, run_tests: bool) -> Verification:
    """Check and score every sample; with ``run_tests``, run the tests of each compiling suite sample."""
    checked = [
        Sample(s.id, s.item.prompt, s.gen, s.item.problem, s.sample, s.completion,
               s.item.suite_problem if run_tests else None)
        for s in samples
    ]
    report = evaluate(checked, eval_config, seed=seed, run_tests=run_tests, in_worker=True)
    verdicts = []
    passed_count = 0
    for index, (sample, detail) in enumerate(zip(samples, report.samples, strict=True)):
        compiles = bool(detail["check"]["compiles"])
        passed: bool | None = None
        if run_tests and sample.item.suite_problem is not None:
            passed = report.samples[index].get("tests", {}).get("status") == "passed"
            passed_count += bool(passed)
        quality = float(detail["scores"].get("quality", math.nan))
        verdicts.append(Verdict(sample.item.problem, sample.sample, compiles, quality, passed, detail["code"]))
    metrics = dict(report.metrics)
    if run_tests:
        metrics["pass_rate"] = round(passed_count / len(samples), 4) if samples else 0.0
    return Verification(verdicts, metrics)

