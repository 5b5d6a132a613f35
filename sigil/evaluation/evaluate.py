"""Evaluate samples: extract code → pre-filter → sandboxed compile + clippy → scorers → tests → aggregate metrics.

``sigil eval``, the pipeline's ``evaluate`` stage and RSFT's verification all call :func:`evaluate`: one path
from samples to verdicts, tests included.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

from sigil.errors import ConfigError, SigilError
from sigil.evaluation.config import EvalConfig
from sigil.evaluation.functional import test_samples
from sigil.evaluation.metrics import aggregate, quality_score
from sigil.evaluation.native import evaluator_module
from sigil.evaluation.samples import Sample
from sigil.evaluation.scorers import EvalBatch
from sigil.functional.check import pass_at_k_block
from sigil.functional.results import SampleResult
from sigil.observe.progress import track
from sigil.plugins import registry

#: Samples per call into the native evaluator: large enough to keep every worker busy, small enough for a
#: progress bar that moves.
CHECK_CHUNK = 512


@dataclass
class EvalReport:
    """The aggregate (one metrics.jsonl line) and every sample's details."""

    metrics: dict[str, Any]
    samples: list[dict[str, Any]]
    per_problem: dict[str, dict[str, Any]]


def filtered_check(reason: str) -> dict[str, Any]:
    """The check result of a sample the pre-filter dropped: it did not compile, and says why."""
    return {
        "status": "filtered",
        "compiles": False,
        "error_codes": [],
        "first_error_kind": None,
        "first_error": None,
        "rustc_warnings": 0,
        "clippy_warnings": 0,
        "clippy_errors": 0,
        "lints": {},
        "reject_reason": reason,
        "cached": False,
        "duration_ms": 0.0,
        "isolation": "none",
    }


def check_scorers(names: list[str]) -> None:
    """Every configured scorer must be registered (fails before any work starts)."""
    scorers = registry("scorers")
    for name in names:
        if name not in scorers:
            raise SigilError(f"eval.scorers: {scorers.unknown_message(name)}")


def make_evaluator(config: EvalConfig) -> Any:
    """The native evaluator for ``config``; a setting it refuses (lints, deps, an uncreatable cache directory, a
    timeout) is a one-line ConfigError naming the ``eval`` key."""
    native = evaluator_module()
    try:
        return _evaluator(native, config)
    except (ValueError, RuntimeError, OSError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"eval.{message}") from None


def _evaluator(native: Any, config: EvalConfig) -> Any:
    return native.Evaluator(
        edition=config.edition,
        lints=config.lints,
        pedantic=config.pedantic,
        sandbox=config.sandbox,
        jobs=config.jobs,
        batch_size=config.batch_size,
        compile_timeout=config.timeout,
        cache_dir=os.path.expanduser(config.cache_dir) if config.cache_dir else None,
        deps=config.deps or None,
        verdict=config.verdict,
        crate_type=config.crate_type,
    )


def evaluate(
    samples: list[Sample],
    config: EvalConfig,
    *,
    seed: int,
    pipeline: Any = None,
    run_tests: bool | None = None,
    evaluator: Any = None,
) -> EvalReport:
    """Check and score ``samples`` under ``config`` (the ``eval`` section); ``pipeline`` is the full config, which
    plugin scorers may read their own sections from.

    With ``run_tests`` (default: ``eval.functional.enabled``) every sample bound to a problem is also run against
    its tests: its details get ``tests`` (the verdict) and the metrics a ``pass_at_k`` block. ``evaluator`` is
    one :func:`make_evaluator` already built for ``config``.
    """
    native = evaluator_module()
    clock = time.monotonic()

    check_scorers(config.scorers)
    if run_tests is None:
        run_tests = config.functional.enabled

    # --- the code of each sample: a bound sample's whole program (what its tests build), else the model output's
    sources = [program if (program := sample.program) is not None else native.extract_code(sample.gen) for sample in samples]

    # --- pre-filter: cheap checks, no compiler; dropped samples stay in the strict denominator
    prefilter = config.prefilter
    reasons: list[str | None] = [
        native.prefilter(
            source,
            min_length=prefilter.min_length,
            min_lines=prefilter.min_lines,
            # a unit-test problem's program has no main: the harness builds it with --test
            check_main=prefilter.check_main and not (sample.task and sample.task.test_kind == "unit"),
            check_incomplete=prefilter.check_incomplete,
            crate_type=config.crate_type,
        )
        if prefilter.enabled
        else None
        for sample, source in zip(samples, sources, strict=True)
    ]

    # --- compile + clippy in the sandbox, one pass per batch
    evaluator = evaluator or make_evaluator(config)
    to_check = [i for i, reason in enumerate(reasons) if reason is None]
    checked: list[dict[str, Any]] = []
    chunks = range(0, len(to_check), CHECK_CHUNK)
    for start in track(chunks, "checking samples", total=len(chunks)):
        checked += evaluator.check([sources[i] for i in to_check[start : start + CHECK_CHUNK]])
    checks: list[dict[str, Any]] = [filtered_check(reason) if reason else {} for reason in reasons]
    for index, result in zip(to_check, checked, strict=True):
        checks[index] = result
    check_seconds = time.monotonic() - clock

    # --- scorers, in the configured order
    batch = EvalBatch(samples, sources, checks, config.idiomatic_weights, config.jobs, pipeline, config)
    scores: list[dict[str, float]] = [{} for _ in samples]
    scorers = registry("scorers")
    for name in config.scorers:
        for index, values in enumerate(scorers.get(name).score(batch)):
            scores[index].update(values)
    for values in scores:
        values["quality"] = quality_score(values, config.quality_weights)

    # --- the problems' tests, for samples bound to one
    verdicts: list[SampleResult | None] = [None] * len(samples)
    tests_isolation = None
    if run_tests:
        verdicts, tests_isolation = test_samples(samples, checks, config)

    # --- aggregate
    details = [
        {**sample.to_json(), "code": source, "filter_reason": reason, "check": check, "scores": score}
        for sample, source, reason, check, score in zip(samples, sources, reasons, checks, scores, strict=True)
    ]
    for detail, verdict in zip(details, verdicts, strict=True):
        if verdict is not None:
            detail["tests"] = verdict.to_dict()
    metrics, per_problem = aggregate(details, seed=seed)
    tested = [(sample.problem, verdict) for sample, verdict in zip(samples, verdicts, strict=True) if verdict]
    if run_tests and tests_isolation is not None:
        metrics["pass_at_k"] = pass_at_k_block(
            [name for name, _ in tested], [verdict for _, verdict in tested], config.functional.k, tests_isolation
        )
    metrics.update(
        isolation=evaluator.isolation,
        toolchain=evaluator.toolchain_version,
        edition=config.edition,
        verdict=config.verdict,
        crate_type=config.crate_type,
        lint_set="clippy defaults" + (" + pedantic" if config.pedantic else "") + (f" + {config.lints}" if config.lints else ""),
        scorers=list(config.scorers),
        check_seconds=round(check_seconds, 3),
        duration_s=round(time.monotonic() - clock, 3),
        samples_per_s=round(len(samples) / max(time.monotonic() - clock, 1e-9), 2),
    )
    return EvalReport(metrics, details, per_problem)
