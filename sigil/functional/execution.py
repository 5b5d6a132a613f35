"""Run whole programs through the native evaluator's sandboxed executor (``sigil_evaluator.run_programs``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sigil.errors import SigilError
from sigil.functional.problems import Problem
from sigil.functional.programs import assemble
from sigil.functional.results import SampleResult


@dataclass(frozen=True)
class ExecOptions:
    """Limits and settings of one execution run (the defaults suit small suite problems)."""

    optimize: bool = False
    edition: str = "2021"
    jobs: int | None = None
    batch_size: int = 16
    compile_timeout: float = 60.0
    run_timeout: float = 10.0
    run_cpu_seconds: int = 5
    run_memory_mb: int = 512
    output_bytes: int = 1 << 20
    max_processes: int = 64
    sandbox: Literal["bwrap", "none"] = "bwrap"

    def native_kwargs(self) -> dict[str, Any]:
        return {
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
    from sigil.evaluation.native import evaluator_module

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
