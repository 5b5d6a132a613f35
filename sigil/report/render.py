"""Render a run directory's manifest and metrics as Markdown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sigil.errors import SigilError

#: The targets users chase: metric → (comparison, threshold).
TARGETS: dict[str, tuple[str, float]] = {
    "compile_rate": (">=", 0.95),
    "avg_clippy_warnings": ("<=", 2.0),
    "avg_idiomatic_score": (">=", 0.7),
    "doc_comment_rate": (">=", 0.5),
}


def load_manifest(run_dir: Path) -> dict[str, Any]:
    path = run_dir / "manifest.json"
    try:
        manifest = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise SigilError(f"{run_dir}: not a sigil run directory (no manifest.json)") from None
    except (ValueError, RecursionError) as exc:
        raise SigilError(f"{path}: unreadable manifest: {str(exc).splitlines()[0] if str(exc) else 'nested too deeply'}"
                         " (`sigil run` of the same pipeline rebuilds it from the stage directories)") from None
    stages = manifest.get("stages", {}) if isinstance(manifest, dict) else None
    if not isinstance(stages, dict) or not all(isinstance(record, dict) for record in stages.values()):
        raise SigilError(f"{path}: not a sigil manifest (an object with a 'stages' mapping of stage records)")
    return manifest


def target_rows(metrics: dict[str, Any]) -> list[str]:
    rows = []
    for name, (comparison, threshold) in TARGETS.items():
        value = metrics.get(name)
        if value is None:
            verdict = "n/a"
        else:
            met = value >= threshold if comparison == ">=" else value <= threshold
            verdict = "met" if met else "missed"
        rows.append(f"| {name} | {'n/a' if value is None else value} | {comparison} {threshold} | {verdict} |")
    return rows


def render_report(run_dir: Path) -> str:
    manifest = load_manifest(run_dir)
    stages = manifest.get("stages", {})
    lines = [
        f"# sigil run report: {run_dir.name}",
        "",
        f"- status: {manifest.get('status')}; started {manifest.get('started')}"
        + (f"; finished {manifest['finished']}" if manifest.get("status") != "running" else " (report written during the run)"),
        f"- config: {manifest.get('config_file')}; seed {manifest.get('seed')}",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in sorted(manifest.get("versions", {}).items())),
        "",
        "## Stages",
        "",
        "| stage | type | status | seconds | fingerprint |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, record in stages.items():
        lines.append(
            f"| {name} | {record.get('type')} | {record.get('status')} | {record.get('duration_s', '')} | "
            f"{record.get('fingerprint', '')} |"
        )
    evaluations = [(name, r) for name, r in stages.items() if r.get("type") == "evaluate" and r.get("metrics")]
    for name, record in evaluations:
        metrics = record["metrics"]
        lines += [
            "",
            f"## Evaluation: {name}",
            "",
            f"{metrics.get('total_samples')} samples, {metrics.get('filtered_samples')} pre-filtered, "
            f"isolation {metrics.get('isolation')}, {metrics.get('toolchain')}, "
            f"verdict {metrics.get('verdict', 'check')}, crate type {metrics.get('crate_type', 'auto')}",
            "",
            "| metric | value | target | verdict |",
            "| --- | --- | --- | --- |",
            *target_rows(metrics),
            "",
            f"- compile rate strict {metrics.get('compile_rate_strict')}, filtered {metrics.get('compile_rate_filtered')}",
            f"- clippy warnings counted over {metrics.get('clippy_samples')} compiling samples",
            f"- error types: {json.dumps(metrics.get('error_types', {}))}",
            f"- top clippy lints: {json.dumps(dict(list(metrics.get('clippy_lints', {}).items())[:8]))}",
        ]
        if metrics.get("pass_at_k"):
            lines.append(f"- pass@k: {json.dumps(metrics['pass_at_k'])}")
    others = [(n, r) for n, r in stages.items() if r.get("type") != "evaluate" and r.get("metrics")]
    for name, record in others:
        scalars = {k: v for k, v in record["metrics"].items() if isinstance(v, (int, float, str)) and not isinstance(v, bool)}
        # lists of text (e.g. the data stage's top drop reasons with examples) are shown whole, one item a line
        texts = {k: v for k, v in record["metrics"].items() if isinstance(v, list) and v and all(isinstance(i, str) for i in v)}
        if scalars or texts:
            lines += ["", f"## {name} ({record.get('type')})", ""]
            lines += [f"- {key}: {value}" for key, value in list(scalars.items())[:20]]
            for key, items in texts.items():
                lines += [f"- {key}:", *(f"  - {item}" for item in items)]
    return "\n".join(lines) + "\n"
