"""The functional part of an evaluation: run programs against tests in the sandbox, the pass@k block.

Every test run of an evaluation goes through :func:`run_tests` with the ``eval`` section's settings: the
problem tests of ``--check-func`` (:func:`test_samples`, called by :func:`~sigil.evaluation.evaluate.evaluate`
for the CLI, the evaluate stage and RSFT) and the samples' own ``#[test]`` functions (the ``self_tests`` scorer).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sigil.evaluation.config import EvalConfig
from sigil.evaluation.samples import Sample
from sigil.functional.execution import ExecOptions, ExecutionRun, run_programs
from sigil.functional.results import SampleResult


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


def run_tests(programs: list[dict[str, Any]], config: EvalConfig) -> ExecutionRun:
    """Build and run whole programs (``{"source", "kind", "cases"}``) in the sandbox under ``config``."""
    return run_programs(programs, exec_options(config))


def test_samples(
    samples: Sequence[Sample], checks: Sequence[dict[str, Any]], config: EvalConfig
) -> tuple[list[SampleResult | None], str]:
    """Each bound sample's verdict on its problem's tests (None for a sample bound to no problem), and the
    isolation the tests ran under.

    A sample whose program failed the compile check with compiler errors is not built again: its verdict is
    ``compile_error`` with the compiler's first error (the check compiled the very program the tests would
    build). Every other sample is built and run: a check timeout or rejection, or the pre-filter's heuristics,
    are not evidence about the tests.
    """
    verdicts: list[SampleResult | None] = [None] * len(samples)
    to_run: list[int] = []
    for index, (sample, check) in enumerate(zip(samples, checks, strict=True)):
        if sample.task is None:
            continue
        if check["status"] == "error":
            total = len(sample.task.cases) if sample.task.test_kind == "io" else 1
            verdicts[index] = SampleResult("compile_error", 0, total, str(check.get("first_error") or ""))
        else:
            to_run.append(index)
    programs = []
    for index in to_run:
        task = samples[index].task
        assert task is not None
        programs.append({
            "source": samples[index].program,
            "kind": task.test_kind,
            "cases": [{"input": case.input, "output": case.output} for case in task.cases],
        })
    run = run_tests(programs, config)
    for index, result in zip(to_run, run.results, strict=True):
        verdicts[index] = result
    return verdicts, run.isolation
