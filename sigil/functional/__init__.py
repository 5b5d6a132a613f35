"""Functional correctness: problem suites, running completions against their tests in the sandbox, pass@k.

The execution itself (build, sandbox, limits, batching) is the native evaluator's ``run_programs``; this
package holds the suite format, the built-in suite, the validator and the pass@k estimator.
"""

from sigil.functional.check import check_functional, load_samples, pass_at_k_block
from sigil.functional.execution import ExecOptions, ExecutionRun, run_completions
from sigil.functional.pass_at_k import pass_at_k, suite_pass_at_k
from sigil.functional.problems import (
    IoCase,
    Problem,
    Suite,
    assemble,
    load_suite,
    problem_from_record,
    truncate_at_stop,
)
from sigil.functional.results import STATUSES, SampleResult
from sigil.functional.suite_lookup import resolve_suite
from sigil.functional.validate import ValidationReport, validate_suite

__all__ = [
    "STATUSES",
    "ExecOptions",
    "ExecutionRun",
    "IoCase",
    "Problem",
    "SampleResult",
    "Suite",
    "ValidationReport",
    "assemble",
    "check_functional",
    "load_samples",
    "load_suite",
    "pass_at_k",
    "pass_at_k_block",
    "problem_from_record",
    "resolve_suite",
    "run_completions",
    "suite_pass_at_k",
    "truncate_at_stop",
    "validate_suite",
]
