"""Verify a round's samples: the evaluator's compile + clippy + scorers, and the problems' tests when asked.

Compile checks and scores come from :func:`sigil.evaluation.evaluate.evaluate`, exactly what the ``evaluate``
stage reports. Functional tests run only for samples that compiled, in one batch through the functional
package's sandboxed runner (``eval.sandbox`` and the ``eval.functional`` limits apply).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sigil.errors import ConfigError
from sigil.evaluation.config import EvalConfig
from sigil.evaluation.evaluate import evaluate
from sigil.evaluation.samples import Sample
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
    checked = [Sample(s.id, s.item.prompt, s.gen, s.item.problem, s.sample) for s in samples]
    report = evaluate(checked, eval_config, seed=seed)
    testable = [
        index
        for index, (sample, detail) in enumerate(zip(samples, report.samples, strict=True))
        if run_tests and sample.item.suite_problem is not None and detail["check"]["compiles"]
    ]
    test_verdicts = dict(zip(testable, _run_tests([samples[i] for i in testable], eval_config), strict=True))
    verdicts = []
    passed_count = 0
    for index, (sample, detail) in enumerate(zip(samples, report.samples, strict=True)):
        compiles = bool(detail["check"]["compiles"])
        passed: bool | None = None
        if run_tests and sample.item.suite_problem is not None:
            passed = test_verdicts.get(index, False)
            passed_count += bool(passed)
        quality = float(detail["scores"].get("quality", math.nan))
        verdicts.append(Verdict(sample.item.problem, sample.sample, compiles, quality, passed, detail["code"]))
    metrics = dict(report.metrics)
    if run_tests:
        metrics["pass_rate"] = round(passed_count / len(samples), 4) if samples else 0.0
    return Verification(verdicts, metrics)


def _run_tests(samples: list[GeneratedSample], eval_config: EvalConfig) -> list[bool]:
    """Whether each sample passes its problem's tests, run in the sandbox (one batch for all of them)."""
    if not samples:
        return []
    from sigil.evaluation.functional import exec_options
    from sigil.functional import run_completions

    pairs = [(sample.item.suite_problem, sample.completion) for sample in samples]
    return [result.passed for result in run_completions(pairs, exec_options(eval_config)).results]  # type: ignore[arg-type]
