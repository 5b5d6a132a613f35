"""The functional part of an evaluation: run samples against their problems' tests, the pass@k block."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sigil.evaluation.config import EvalConfig


def pass_at_k_block(samples_path: str | Path, config: EvalConfig, results_path: Path | None) -> dict[str, Any]:
    """Run every sample of the file in the sandbox and return the ``pass_at_k`` block for the metrics."""
    from sigil.functional import ExecOptions, check_functional, load_samples, resolve_suite

    functional = config.functional
    suite = resolve_suite(functional.suite) if functional.suite else None
    samples = load_samples(samples_path, suite)
    options = ExecOptions(
        optimize=functional.optimize,
        edition=config.edition,
        jobs=config.jobs,
        compile_timeout=config.timeout,
        run_timeout=functional.run_timeout,
        run_cpu_seconds=functional.run_cpu_seconds,
        run_memory_mb=functional.run_memory_mb,
        sandbox=config.sandbox,
    )
    return check_functional(samples, functional.k, options, results_path)
