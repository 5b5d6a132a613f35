"""Writing an evaluation's files: per-sample results, per-problem breakdown, errors, test verdicts. All atomic."""

from __future__ import annotations

from pathlib import Path

from sigil.errors import SigilError
from sigil.evaluation.evaluate import EvalReport
from sigil.io import atomic_write_json, staged_files, write_jsonl


def write_report(report: EvalReport, out_dir: Path, save_errors: bool) -> dict[str, str]:
    """Write results.jsonl, per_problem.json, summary.json (and errors.jsonl, functional.jsonl) as one set; return
    the artifact map. A full disk is one error line, and ``out_dir`` keeps its old files, none half-written."""
    try:
        with staged_files(out_dir) as staging:
            return _write(report, staging, save_errors)
    except OSError as exc:
        raise SigilError(f"{out_dir}: cannot write the evaluation results: {exc.strerror or exc}") from None


def _write(report: EvalReport, out_dir: Path, save_errors: bool) -> dict[str, str]:
    write_jsonl(out_dir / "results.jsonl", report.samples)
    atomic_write_json(out_dir / "per_problem.json", report.per_problem)
    atomic_write_json(out_dir / "summary.json", report.metrics)
    artifacts = {"results": "results.jsonl", "per_problem": "per_problem.json", "summary": "summary.json"}
    if save_errors:
        write_jsonl(out_dir / "errors.jsonl", (
            {"id": d["id"], "code": d["code"],
             "error": d["check"]["first_error"] or d["filter_reason"] or d["check"]["reject_reason"]}
            for d in report.samples
            if not d["check"]["compiles"]
        ))
        artifacts["errors"] = "errors.jsonl"
    if "pass_at_k" in report.metrics:
        write_jsonl(out_dir / "functional.jsonl", (
            {"id": d["id"], "name": d["problem"], **d["tests"]} for d in report.samples if "tests" in d
        ))
        artifacts["functional"] = "functional.jsonl"
    return artifacts
