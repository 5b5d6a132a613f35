"""Writing an evaluation's files: per-sample results, per-problem breakdown, errors. All atomic."""

from __future__ import annotations

import json
from pathlib import Path

from sigil.evaluation.evaluate import EvalReport
from sigil.io import atomic_write_json, atomic_writer


def write_report(report: EvalReport, out_dir: Path, save_errors: bool) -> dict[str, str]:
    """Write results.jsonl, per_problem.json, summary.json (and errors.jsonl); return the artifact map."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with atomic_writer(out_dir / "results.jsonl") as handle:
        for detail in report.samples:
            handle.write(json.dumps(detail, default=str) + "\n")
    atomic_write_json(out_dir / "per_problem.json", report.per_problem)
    atomic_write_json(out_dir / "summary.json", report.metrics)
    artifacts = {"results": "results.jsonl", "per_problem": "per_problem.json", "summary": "summary.json"}
    if save_errors:
        with atomic_writer(out_dir / "errors.jsonl") as handle:
            for detail in report.samples:
                if not detail["check"]["compiles"]:
                    error = detail["check"]["first_error"] or detail["filter_reason"] or detail["check"]["reject_reason"]
                    handle.write(json.dumps({"id": detail["id"], "code": detail["code"], "error": error}) + "\n")
        artifacts["errors"] = "errors.jsonl"
    return artifacts
