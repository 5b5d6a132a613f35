"""A sample the test harness could not run is not a failed sample: pass@k over it is not a number, the run ends
non-zero after writing every result (#11 item 3: 40 correct solutions once reported pass@1 = 0.0, exit 0)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sigil.evaluation.functional as functional
from sigil.cli import main
from sigil.functional import resolve_suite
from sigil.functional.execution import ExecutionRun
from sigil.functional.results import SampleResult


@pytest.fixture
def references(tmp_path: Path) -> Path:
    problems = resolve_suite("sigil-basic").problems[:3]
    path = tmp_path / "samples.jsonl"
    path.write_text("".join(json.dumps({"problem": p.name, "completion": p.reference}) + "\n" for p in problems))
    return path


def test_harness_errors_are_not_failures(references: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    real = functional.run_programs

    def one_unrunnable(programs, options):  # the first sample's jail could not start, even after retries
        run = real(programs, options)
        first = SampleResult("error", 0, 1, "sandbox failed to start: bwrap: fork: Resource temporarily unavailable")
        return ExecutionRun([first, *run.results[1:]], run.isolation)

    monkeypatch.setattr(functional, "run_programs", one_unrunnable)
    out = tmp_path / "out"
    code = main(["eval", str(references), "--output", str(out), "--no-cache", "--check-func", "--suite", "sigil-basic",
                 "-o", "eval.scorers=[compile]"])
    err = capsys.readouterr().err
    assert code != 0 and "1 of 3 samples could not be run by the test harness" in err, err
    block = json.loads((out / "metrics.jsonl").read_text())["pass_at_k"]
    assert block["pass@1"] is None and block["harness_errors"] == 1, block
    assert block["statuses"] == {"error": 1, "passed": 2}
    assert len((out / "functional.jsonl").read_text().splitlines()) == 3  # every verdict kept


def test_no_harness_error_no_change(references: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    code = main(["eval", str(references), "--output", str(out), "--no-cache", "--check-func", "--suite", "sigil-basic",
                 "-o", "eval.scorers=[compile]"])
    assert code == 0, capsys.readouterr().err
    block = json.loads((out / "metrics.jsonl").read_text())["pass_at_k"]
    assert block["pass@1"] == 1.0 and "harness_errors" not in block
