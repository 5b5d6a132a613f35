"""Verify a round's samples: the evaluator's compile + clippy + scorers, and the problems' tests when asked.

Compile checks and scores come from :func:`sigil.evaluation.evaluate.evaluate`, exactly what the ``evaluate``
stage reports. Functional tests run only for samples that compiled. sigil's functional package has no sandboxed
runner yet, so tests run through its plain (unsandboxed) runner, and only when the config says so explicitly
with ``eval.sandbox: none``: model-written programs are never executed without isolation by default.
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
    if eval_config.sandbox != "none":
        raise ConfigError(
            "rsft.require_tests_pass: running model-written tests needs a sandboxed test runner, which sigil's "
            "functional package does not provide yet; set eval.sandbox: none to run them unsandboxed (trusted models only)"
        )


def verify(samples: list[GeneratedSample], eval_config: EvalConfig, seed: int, run_tests: bool) -> Verification:
    """Check and score every sample; with ``run_tests``, run the tests of each compiling suite sample."""
    checked = [Sample(s.id, s.item.prompt, s.gen, s.item.problem, s.sample) for s in samples]
    report = evaluate(checked, eval_config, seed=seed)
    verdicts = []
    passed_count = 0
    for sample, detail in zip(samples, report.samples, strict=True):
        compiles = bool(detail["check"]["compiles"])
        passed: bool | None = None
        if run_tests and sample.item.suite_problem is not None:
            passed = compiles and _passes(sample, eval_config)
            passed_count += bool(passed)
        quality = float(detail["scores"].get("quality", math.nan))
        verdicts.append(Verdict(sample.item.problem, sample.sample, compiles, quality, passed, detail["code"]))
    metrics = dict(report.metrics)
    if run_tests:
        metrics["pass_rate"] = round(passed_count / len(samples), 4) if samples else 0.0
    return Verification(verdicts, metrics)


def _passes(sample: GeneratedSample, eval_config: EvalConfig) -> bool:
    from sigil.functional.plain_runner import run_plain

    problem = sample.item.suite_problem
    assert problem is not None
    result = run_plain(
        sample.gen, problem.test_kind, problem.cases, edition=eval_config.edition, compile_timeout_s=eval_config.timeout
    )
    return result.passed
