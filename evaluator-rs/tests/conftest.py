"""Shared fixtures for the evaluator's Python tests (run against the installed wheel)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sigil_evaluator import Evaluator

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench" / "evaluator"


@pytest.fixture(scope="session")
def bench_modules() -> Path:
    """Makes the benchmark's corpus generator and single-file reference importable."""
    sys.path.insert(0, str(BENCH))
    return BENCH


@pytest.fixture(scope="session")
def evaluator() -> Evaluator:
    """A sandboxed evaluator with no cache."""
    return Evaluator(compile_timeout=30)
