"""The functional part of an evaluation: run samples against their problems' tests, the pass@k block."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sigil.evaluation.config import EvalConfig
from sigil.functional.execution import ExecOptions


def exec_options(config: EvalConfig) -> ExecOptions:
    """The sandboxed executor's settings from the ``eval`` section (edition, sandbox, jobs, ``functional``)."""
    functional = config.functional
    return ExecOptions(
        optimize=functional.optimize,
        edition=config.edition,
        jobs=config.jobs,
        compile_timeout=config.timeout,
        run_timeout=functional.run_timeout,
        run_cpu_seconds=functional.run_cpu_seconds,
        run_memory_mb=functional.run_memory_mb,
        sandbox=config.sandbox,
    )


def pass_at_k_block(samples_path: str | Path, config: EvalConfig, results_path: Path | None) -> dict[str, Any]:
    """Run every sample of the file in the sandbox and return the ``pass_at_k`` block for the metrics."""
    from sigil.functional import check_functional, load_samples, resolve_suite

    functional = config.functional
    suite = resolve_suite(functional.suite) if functional.suite else None
    samples = load_samples(samples_path, suite)
    return check_functional(samples, functional.k, exec_options(config), results_path)
