"""The run report as Markdown (``report.md``, ``sigil report RUN_DIR``): tables of what :mod:`gather` found."""

from __future__ import annotations

import json
from typing import Any

from sigil.report.gather import CURVE_METRICS, SAMPLED_METRIC, Report, evaluations, pass_at_k, target_verdicts


def cell(value: Any) -> str:
    """A table cell: pipes and line breaks would break the row."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def rate(value: float, interval: tuple[float, float] | None) -> str:
    return f"{value:.4g}" + (f" [{interval[0]:.4g}, {interval[1]:.4g}]" if interval else "")


def render_markdown(report: Report) -> str:
    manifest = report.manifest
    running = manifest.get("status") == "running"
    lines = [
        f"# sigil run report: {report.run_name}",
        "",
        f"- status: {report.status.text}; started {manifest.get('started')}"
        + (" (report written during the run)" if running else f"; finished {manifest.get('finished')}"),
        f"- config: {manifest.get('config_file')}; seed {manifest.get('seed')}",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in sorted(manifest.get("versions", {}).items())),
        "",
        "## Stages",
        "",
        "| stage | type | status | seconds | fingerprint |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in report.stages:
        seconds = "" if row.duration_s is None else row.duration_s
        lines.append(f"| {cell(row.name)} | {cell(row.type)} | {cell(row.status)} | {seconds} | {row.fingerprint} |")
    lines += curve_tables(report) + paired_table(report) + finals_table(report) + count_tables(report) + loss_table(report)
    for name, metrics in evaluations(report).items():
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
            *(f"| {n} | {v} | {t} | {verdict} |" for n, v, t, verdict in target_verdicts(metrics)),
            "",
            f"- compile rate strict {metrics.get('compile_rate_strict')}, filtered {metrics.get('compile_rate_filtered')}",
            f"- clippy warnings counted over {metrics.get('clippy_samples')} compiling samples",
            f"- error types: {json.dumps(metrics.get('error_types', {}))}",
            f"- top clippy lints: {json.dumps(dict(list((metrics.get('clippy_lints') or {}).items())[:8]))}",
        ]
        if pass_at_k(metrics):
            lines.append("- pass@k: " + ", ".join(f"{key} {value}" for key, value in pass_at_k(metrics)))
    evaluated = evaluations(report)
    for name, metrics in report.stage_metrics.items():
        if name in evaluated:
            continue
        kind = next((r.type for r in report.stages if r.name == name), "")
        scalars = {k: v for k, v in metrics.items() if isinstance(v, (int, float, str)) and not isinstance(v, bool)}
        # lists of text (e.g. the data stage's top drop reasons with examples) are shown whole, one item a line
        texts = {k: v for k, v in metrics.items() if isinstance(v, list) and v and all(isinstance(i, str) for i in v)}
        if scalars or texts:
            lines += ["", f"## {name} ({kind})", ""]
            lines += [f"- {key}: {value}" for key, value in list(scalars.items())[:20]]
            for key, items in texts.items():
                lines += [f"- {key}:", *(f"  - {item}" for item in items)]
    if report.config_text:
        fence = "````" if "```" in report.config_text else "```"
        lines += ["", "## Config", "", "<details><summary>config.resolved.yaml</summary>", "", f"{fence}yaml",
                  report.config_text.rstrip(), fence, "", "</details>"]
    return "\n".join(lines) + "\n"


def curve_tables(report: Report) -> list[str]:
    lines: list[str] = []
    for metric, series in report.curves.items():
        steps = sorted({p.step for line in series for p in line.points})
        lines += ["", f"## {CURVE_METRICS[metric]} by step (`{metric}`, 95% interval; step 0: the starting model)", "",
                  "| stage | " + " | ".join(f"step {step}" for step in steps) + " |", "| --- |" + " --- |" * len(steps)]
        for line in series:
            by_step = {p.step: rate(p.value, p.interval) for p in line.points}
            lines.append(f"| {cell(line.stage)} | " + " | ".join(by_step.get(step, "") for step in steps) + " |")
    return lines + sampled_table(report)


def sampled_table(report: Report) -> list[str]:
    """Completions each stage had sampled by each step: what a step of the curves means for each arm."""
    if not report.sampled:
        return []
    steps = sorted({step for values in report.sampled.values() for step in values})
    lines = ["", f"## Completions sampled by step (`{SAMPLED_METRIC}`: arms with equal counts at a step share it)", "",
             "| stage | " + " | ".join(f"step {step}" for step in steps) + " |", "| --- |" + " --- |" * len(steps)]
    for stage, values in report.sampled.items():
        lines.append(f"| {cell(stage)} | " + " | ".join(f"{values[s]:g}" if s in values else "" for s in steps) + " |")
    return lines


def paired_table(report: Report) -> list[str]:
    if not report.paired:
        return []
    lines = ["", "## Paired tests against the starting model (exact McNemar)", "",
             "| stage | step | metric | gained | lost | p |", "| --- | --- | --- | --- | --- | --- |"]
    for row in report.paired:
        p = f"{row.p_value:.3g}" if isinstance(row.p_value, (int, float)) else row.p_value
        lines.append(f"| {cell(row.stage)} | {row.step} | {cell(row.name)} | {row.gained} | {row.lost} | {p} |")
    return lines


def finals_table(report: Report) -> list[str]:
    if not report.finals:
        return []
    lines = ["", "## Final models compared problem by problem (held-out, exact McNemar)", "",
             "| stage | vs stage | metric | right only in stage | right only in vs stage | p |",
             "| --- | --- | --- | --- | --- | --- |"]
    for row in report.finals:
        lines.append(f"| {cell(row.first)} (step {row.first_step}) | {cell(row.second)} (step {row.second_step}) | "
                     f"{row.name} | {row.only_first} | {row.only_second} | {row.p_value:.3g} |")
    return lines


def count_tables(report: Report) -> list[str]:
    lines: list[str] = []
    for table in report.counts:
        steps = list(table.by_step)
        lines += ["", f"## {table.title} (`{table.metric}`, {table.stage}) by step", "",
                  "| key | " + " | ".join(f"step {s}" for s in steps) + " |", "| --- |" + " --- |" * len(steps)]
        for key in table.top_keys():
            lines.append(f"| {cell(key)} | " + " | ".join(str(table.by_step[s].get(key, 0)) for s in steps) + " |")
    return lines


def loss_table(report: Report) -> list[str]:
    if not report.losses:
        return []
    lines = ["", "## Training loss (final: the last logged loss)", "",
             "| stage | final loss | at step | first loss | min loss | points |", "| --- | --- | --- | --- | --- | --- |"]
    for loss in report.losses:
        values = [v for _, v in loss.points]
        lines.append(f"| {cell(loss.stage)} | {loss.final:.4g} | {loss.points[-1][0]} | {values[0]:.4g} | "
                     f"{min(values):.4g} | {len(values)} |")
    return lines
