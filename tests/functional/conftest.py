"""Fixtures for functional-correctness tests: the sandboxed executor, when the installed wheel has one."""

from __future__ import annotations

import pytest

from sigil.functional.execution import ExecOptions

# The layout of a MultiPL-E humaneval-rs record (problem text written for these tests).
MULTIPLE_RECORD = {
    "name": "HumanEval_x_add",
    "language": "rs",
    "prompt": "/// Add two numbers\nfn add(a: i64, b: i64) -> i64 {\n",
    "doctests": "transform",
    "original": "x.py",
    "prompt_terminology": "reworded",
    "tests": "}\n\nfn main() {\n    let candidate = add;\n    assert_eq!(candidate(2, 3), 5);\n}\n",
    "stop_tokens": ["\n}"],
}


@pytest.fixture
def multiple_record() -> dict[str, object]:
    """A fresh copy of a MultiPL-E-layout problem record."""
    return dict(MULTIPLE_RECORD)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_executor: runs programs through sigil_evaluator.run_programs in bubblewrap")


@pytest.fixture
def options() -> ExecOptions:
    """Small limits: the suite's programs need milliseconds."""
    return ExecOptions(jobs=2, run_timeout=5.0, run_cpu_seconds=3, compile_timeout=60.0)
