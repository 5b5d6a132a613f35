"""Run whole programs through the native evaluator's sandboxed executor (``sigil_evaluator.run_programs``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sigil.errors import SigilError
from sigil.functional.problems import Problem, assemble
from sigil.functional.results import SampleResult


@dataclass(frozen=True)
class ExecOptions:
    """Limits and settings of one execution run. A limit left at None is the executor's own default (the
    signature of ``sigil_evaluator.run_programs``): one default per setting, held by the wheel."""

    optimize: bool = False
    edition: str = "2021"
    jobs: int | None = None
    batch_size: int | None = None
    compile_timeout: float | None = None
    run_timeout: float | None = None
    run_cpu_seconds: int | None = None
    run_memory_mb: int | None = None
    output_bytes: int | None = None
    max_processes: int | None = None
    sandbox: Literal["bwrap", "none"] = "bwrap"

    def native_kwargs(self) -> dict[str, Any]:
        limits = {
            "optimize": self.optimize,
            "edition": self.edition,
            "jobs": self.jobs,
            "batch_size": self.batch_size,
            "compile_timeout": self.compile_timeout,
            "run_timeout": self.run_timeout,
            "run_cpu_seconds": self.run_cpu_seconds,
            "run_memory_mb": self.run_memory_mb,
            "output_bytes": self.output_bytes,
            "max_processes": self.max_processes,
            "sandbox": self.sandbox,
        }
        return {key: value for key, value in limits.items() if value is not None or key == "jobs"}


@dataclass(frozen=True)
class ExecutionRun:
    """Verdicts of one run, in input order, and the isolation they ran under."""

    results: list[SampleResult]
    isolation: str


def run_completions(pairs: Sequence[tuple[Problem, str]], options: ExecOptions | None = None) -> ExecutionRun:
    """Assemble each (problem, completion) into its program and build + run it in the sandbox."""
    programs = [
        {
            "source": assemble(problem, completion),
            "kind": problem.test_kind,
            "cases": [{"input": c.input, "output": c.output} for c in problem.cases],
        }
        for problem, completion in pairs
    ]
    return run_programs(programs, options)


def run_programs(programs: list[dict[str, Any]], options: ExecOptions | None = None) -> ExecutionRun:
    """Build and run whole programs (``{"source", "kind", "cases"}``) in the sandbox."""
    from sigil.evaluation.evaluate import evaluator_module

    options = options or ExecOptions()
    if not programs:
        return ExecutionRun([], options.sandbox)
    try:
        out = evaluator_module().run_programs(programs, **options.native_kwargs())
    except RuntimeError as exc:  # the sandbox or toolchain is missing: one clear line
        raise SigilError(str(exc)) from None
    results = [
        SampleResult(r["status"], r["tests_passed"], r["tests_total"], r["message"], r["build_s"], r["run_s"])
        for r in out["results"]
    ]
    return ExecutionRun(results, out["isolation"])
