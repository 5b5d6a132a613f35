"""Evaluate samples, top to bottom: the native wheel → read a samples file → extract code → pre-filter →
sandboxed compile + clippy → scorers → tests → aggregate metrics → write the results.

``sigil eval`` and the pipeline's ``evaluate`` stage call :func:`evaluate_file`; RSFT's verification calls
:func:`evaluate` on samples it holds: one path from samples to verdicts, tests included. The per-sample steps are
:func:`evaluate_shard`, which ``eval.backend`` runs here on every sample or on Ray workers one shard each
(:mod:`sigil.ray_backend`); the aggregate is always computed here.
"""

from __future__ import annotations

import inspect
import os
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from sigil.errors import ConfigError, SigilError
from sigil.evaluation.config import EvalConfig
from sigil.evaluation.functional import test_samples
from sigil.evaluation.metrics import aggregate, quality_score
from sigil.evaluation.samples import Sample, read_samples, subsample
from sigil.evaluation.scorers import SCORERS, EvalBatch
from sigil.functional.check import pass_at_k_block
from sigil.functional.results import SampleResult
from sigil.io import atomic_write_json, staged_files, write_jsonl
from sigil.io.scratch import scratch_dir
from sigil.observe.progress import track
from sigil.plugins import registry

# --- the native evaluator wheel

#: The sigil-evaluator version this sigil is pinned to (pyproject.toml says the same).
REQUIRED_VERSION = "0.1.0"


def evaluator_module() -> ModuleType:
    """``sigil_evaluator``, or a one-line error saying how to install the right version."""
    try:
        import sigil_evaluator
    except ImportError:
        raise SigilError(
            "the native evaluator is not installed: pip install ./evaluator-rs (or `make install`)"
        ) from None
    if sigil_evaluator.__version__ != REQUIRED_VERSION:
        raise SigilError(
            f"sigil needs sigil-evaluator=={REQUIRED_VERSION} but {sigil_evaluator.__version__} is installed: "
            "pip install ./evaluator-rs"
        )
    return sigil_evaluator


def native_default(function: str, parameter: str) -> Any:
    """The default of ``parameter`` of the wheel's ``function`` (``"Evaluator"``, ``"run_programs"``), read from
    its signature: the settings' defaults are the evaluator's by construction, never a copied number."""
    return inspect.signature(getattr(evaluator_module(), function)).parameters[parameter].default


# --- a samples file, end to end: what `sigil eval` and the evaluate stage share


def evaluate_file(
    path: str | Path, pipeline: Any, seed: int, out_dir: Path | None, *, in_worker: bool = False
) -> tuple[EvalReport, dict[str, str], list[str]]:
    """Read the file once (``eval.on_bad_line``; with ``eval.functional.enabled`` each sample bound to its
    problem), subsample (``eval.sample_n``), check, score and test those samples, and write the results under
    ``out_dir`` (None: write nothing). Returns the report, the files written (artifact name → file name) and the
    malformed lines that were skipped. ``in_worker``: as :func:`evaluate`.

    The evaluator is built first (and the Ray cluster joined), so a bad ``eval`` setting (lints, deps, cache
    directory, Ray address) is an error before the file is read."""
    config = pipeline.eval
    evaluator = make_evaluator(config)
    if config.backend == "ray":  # a wrong address is one error line before the file is read
        from sigil.ray_backend import connect

        connect(config.ray, "eval.ray")
    functional = config.functional
    suite = None
    if functional.enabled and functional.suite:
        from sigil.functional import resolve_suite

        suite = resolve_suite(functional.suite)
    bad_lines: list[str] = []
    samples = read_samples(
        path,
        suite=suite,
        bind_problems=functional.enabled,
        skip_bad_lines=config.on_bad_line == "skip",
        bad_lines=bad_lines,
        max_line_bytes=config.max_sample_bytes,
    )
    report = evaluate(subsample(samples, config.sample_n, seed), config, seed=seed, pipeline=pipeline,
                      evaluator=evaluator, in_worker=in_worker)
    report.metrics["bad_lines"] = len(bad_lines)
    report.metrics["samples_file"] = str(path)
    artifacts = write_report(report, out_dir, config.save_errors) if out_dir is not None else {}
    return report, artifacts, bad_lines


# --- samples → verdicts and metrics

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
    scorers = registry(SCORERS)
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
    limits = {"batch_size": config.batch_size, "compile_timeout": config.timeout}
    return native.Evaluator(
        edition=config.edition,
        lints=config.lints,
        pedantic=config.pedantic,
        sandbox=config.sandbox,
        jobs=config.jobs,
        cache_dir=os.path.expanduser(config.cache_dir) if config.cache_dir else None,
        deps=config.deps or None,
        verdict=config.verdict,
        crate_type=config.crate_type,
        **{key: value for key, value in limits.items() if value is not None},  # unset: the wheel's own default
    )


def evaluate(
    samples: list[Sample],
    config: EvalConfig,
    *,
    seed: int,
    pipeline: Any = None,
    run_tests: bool | None = None,
    evaluator: Any = None,
    in_worker: bool = False,
) -> EvalReport:
    """Check and score ``samples`` under ``config`` (the ``eval`` section); ``pipeline`` is the full config, which
    plugin scorers may read their own sections from.

    With ``run_tests`` (default: ``eval.functional.enabled``) every sample bound to a problem is also run against
    its tests: its details get ``tests`` (the verdict) and the metrics a ``pass_at_k`` block. ``evaluator`` is
    one :func:`make_evaluator` already built for ``config``.

    ``eval.backend`` says where the per-sample work (:func:`evaluate_shard`) runs: on this machine, or on a Ray
    cluster one shard at a time; the aggregate is computed here either way. On this machine, ``in_worker`` runs it
    in the evaluation worker (:mod:`sigil.evaluation.worker`), a lean child process: for callers that hold a
    model, whose own process forks slowly for every compiler and sandbox run. The verdicts are the same.
    """
    clock = time.monotonic()
    check_scorers(config.scorers)
    if run_tests is None:
        run_tests = config.functional.enabled

    # --- per sample: extract, pre-filter, check, score, test
    distributed: dict[str, Any] = {}
    shard: ShardResult | None = None
    if config.backend == "ray":
        shard, distributed = _evaluate_on_ray(samples, config, pipeline, run_tests)
    elif in_worker:
        from sigil.evaluation.worker import evaluate_shard_in_worker

        shard = evaluate_shard_in_worker(samples, config, pipeline=pipeline, run_tests=run_tests)
    if shard is None:
        shard = evaluate_shard(samples, config, pipeline=pipeline, run_tests=run_tests, evaluator=evaluator)

    # --- aggregate
    details, verdicts = shard.details, shard.verdicts
    metrics, per_problem = aggregate(details, seed=seed)
    tested = [(sample.problem, verdict) for sample, verdict in zip(samples, verdicts, strict=True) if verdict]
    if run_tests and shard.tests_isolation is not None:
        metrics["pass_at_k"] = pass_at_k_block(
            [name for name, _ in tested], [verdict for _, verdict in tested], config.functional.k,
            shard.tests_isolation,
        )
    metrics.update(
        isolation=shard.isolation,
        toolchain=shard.toolchain,
        edition=config.edition,
        verdict=config.verdict,
        crate_type=config.crate_type,
        lint_set="clippy defaults" + (" + pedantic" if config.pedantic else "") + (f" + {config.lints}" if config.lints else ""),
        scorers=list(config.scorers),
        backend=config.backend,
        **distributed,
        check_seconds=round(shard.check_seconds, 3),
        duration_s=round(time.monotonic() - clock, 3),
        samples_per_s=round(len(samples) / max(time.monotonic() - clock, 1e-9), 2),
    )
    return EvalReport(metrics, details, per_problem)


@dataclass
class ShardResult:
    """The per-sample part of an evaluation of some samples, in their order: each sample's details (code,
    pre-filter reason, check, scores, test verdict) and how the checks ran."""

    details: list[dict[str, Any]]
    verdicts: list[SampleResult | None]
    isolation: str
    toolchain: str
    tests_isolation: str | None
    #: seconds spent extracting, pre-filtering and checking (summed over shards on Ray)
    check_seconds: float


@scratch_dir()  # compilers' and jails' temporary directories: removed however evaluation ends
def evaluate_shard(
    samples: list[Sample], config: EvalConfig, *, pipeline: Any = None, run_tests: bool = False, evaluator: Any = None
) -> ShardResult:
    """Everything :func:`evaluate` does for each sample, on ``samples``: what the local backend runs on all of them
    and each Ray worker on one shard. A sample's result depends on the sample alone (the evaluator checks each as
    if alone; scorers and tests judge each sample), so any sharding gives the same details."""
    native = evaluator_module()
    clock = time.monotonic()

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
    scorers = registry(SCORERS)
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

    details = [
        {**sample.to_json(), "code": source, "filter_reason": reason, "check": check, "scores": score}
        for sample, source, reason, check, score in zip(samples, sources, reasons, checks, scores, strict=True)
    ]
    for detail, verdict in zip(details, verdicts, strict=True):
        if verdict is not None:
            detail["tests"] = verdict.to_dict()
    return ShardResult(details, verdicts, evaluator.isolation, evaluator.toolchain_version, tests_isolation,
                       check_seconds)


# --- the Ray backend: the same evaluate_shard, one shard per task (sigil.ray_backend)


def _evaluate_on_ray(
    samples: list[Sample], config: EvalConfig, pipeline: Any, run_tests: bool
) -> tuple[ShardResult, dict[str, Any]]:
    from sigil.ray_backend import map_shards

    size = config.ray.shard_size
    shards = [samples[start : start + size] for start in range(0, len(samples), size)]
    parts, run = map_shards(_ray_shard, (config, pipeline, run_tests), shards, config.ray, "eval.ray",
                            "checking samples (ray)")
    for shard, part in zip(shards, parts, strict=True):  # every sample of a shard once, no more
        if len(part.details) != len(shard):
            raise SigilError(f"eval.backend ray: a shard of {len(shard)} samples came back with {len(part.details)}")
    for key in ("toolchain", "isolation", "tests_isolation"):  # one cluster, one toolchain: else not comparable
        seen = {getattr(part, key) for part in parts if getattr(part, key) is not None}
        if len(seen) > 1:
            raise SigilError(f"eval.backend ray: the workers disagree on the {key}: {' vs '.join(sorted(seen))}")
    first = parts[0] if parts else None
    return ShardResult(
        details=[detail for part in parts for detail in part.details],
        verdicts=[verdict for part in parts for verdict in part.verdicts],
        isolation=first.isolation if first else "",
        toolchain=first.toolchain if first else "",
        tests_isolation=next((part.tests_isolation for part in parts if part.tests_isolation), None),
        check_seconds=sum(part.check_seconds for part in parts),
    ), run.metrics()


def _ray_shard(shared: tuple[EvalConfig, Any, bool], samples: list[Sample]) -> ShardResult:
    """On a Ray worker: :func:`evaluate_shard` with this worker's evaluator. With ``eval.jobs`` unset a shard gets
    as many compiler processes as the CPUs Ray reserved for it, not every core of the node."""
    config, pipeline, run_tests = shared
    if config.jobs is None:
        config = config.model_copy(update={"jobs": config.ray.cpus_per_task})
    return evaluate_shard(samples, config, pipeline=pipeline, run_tests=run_tests, evaluator=_worker_evaluator(config))


#: A worker's evaluator, built once per process and config (toolchain discovery, sandbox and cache set-up).
_WORKER_EVALUATOR: dict[str, Any] = {}


def _worker_evaluator(config: EvalConfig) -> Any:
    key = config.model_dump_json()
    if key not in _WORKER_EVALUATOR:
        _WORKER_EVALUATOR.clear()
        _WORKER_EVALUATOR[key] = make_evaluator(config)
    return _WORKER_EVALUATOR[key]


# --- writing an evaluation's files: per-sample results, per-problem breakdown, errors, test verdicts


def write_report(report: EvalReport, out_dir: Path, save_errors: bool) -> dict[str, str]:
    """Write results.jsonl, per_problem.json, summary.json (and errors.jsonl, functional.jsonl) as one set; return
    the artifact map. A full disk is one error line, and ``out_dir`` keeps its old files, none half-written."""
    try:
        with staged_files(out_dir) as staging:
            return _write(report, staging, save_errors)
    except OSError as exc:
        raise SigilError(f"{out_dir}: cannot write the evaluation results: {exc.strerror or exc}") from None


def _write(report: EvalReport, out_dir: Path, save_errors: bool) -> dict[str, str]:
    write_jsonl(out_dir / "results.jsonl", report.samples)
    atomic_write_json(out_dir / "per_problem.json", report.per_problem)
    atomic_write_json(out_dir / "summary.json", report.metrics)
    artifacts = {"results": "results.jsonl", "per_problem": "per_problem.json", "summary": "summary.json"}
    if save_errors:
        write_jsonl(out_dir / "errors.jsonl", (
            {"id": d["id"], "code": d["code"],
             "error": d["check"]["first_error"] or d["filter_reason"] or d["check"]["reject_reason"]}
            for d in report.samples
            if not d["check"]["compiles"]
        ))
        artifacts["errors"] = "errors.jsonl"
    if "pass_at_k" in report.metrics:
        write_jsonl(out_dir / "functional.jsonl", (
            {"id": d["id"], "name": d["problem"], **d["tests"]} for d in report.samples if "tests" in d
        ))
        artifacts["functional"] = "functional.jsonl"
    return artifacts
