"""The run report as one self-contained HTML page (``report.html``): inline CSS and SVG, no script, no network.

Every value taken from the run (sample text, stage names, errors, the config) goes through :func:`html.escape`:
a sample is model output, and a page that ran it would let a model write into the reader's browser.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from sigil.report.gather import CURVE_METRICS, SAMPLED_METRIC, Report, evaluations, pass_at_k, target_verdicts
from sigil.report.svg import Line, bar_chart, line_chart

SIGNIFICANT = 0.01  # the bar for a gain to count
STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f; background: #fff;
       max-width: 1160px; margin: 0 auto; padding: 18px 24px 60px; }
h1 { font-size: 24px; margin: 6px 0 10px; } h2 { font-size: 19px; margin: 30px 0 8px; border-bottom: 2px solid #e6e6e6; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.status { display: inline-block; padding: 6px 14px; border-radius: 6px; font-weight: 600; color: #fff; }
.ok { background: #1a7f37; } .bad { background: #b42318; }
.meta { color: #555; font-size: 13px; margin: 8px 0; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 13.5px; }
th, td { border: 1px solid #ddd; padding: 3px 9px; text-align: left; vertical-align: top; }
th { background: #f2f4f7; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.pass td:first-child { border-left: 4px solid #1a7f37; } tr.fail td:first-child { border-left: 4px solid #b42318; }
.charts { display: flex; flex-wrap: wrap; gap: 14px; }
svg.chart { background: #fff; border: 1px solid #e6e6e6; border-radius: 6px; }
svg.chart text { font: 11px system-ui, sans-serif; fill: #333; } svg.chart text.title { font-size: 13px; font-weight: 600; }
pre { background: #f6f8fa; border: 1px solid #e1e4e8; border-radius: 6px; padding: 8px 10px; overflow-x: auto;
      font: 12.5px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; word-break: break-all; }
.sample { margin: 8px 0 14px; } .sample .head { font-size: 13px; } .passed { color: #1a7f37; font-weight: 600; }
.failed { color: #b42318; font-weight: 600; } .note { color: #555; font-size: 13px; }
tr.sig td { font-weight: 700; }
"""


def render_html(report: Report) -> str:
    manifest = report.manifest
    body = [
        f"<h1>sigil run report: {escape(report.run_name)}</h1>",
        f'<div class="status {"ok" if report.status.completed else "bad"}" id="status">'
        f"{escape(report.status.text)}</div>",
        '<div class="meta">'
        + escape(f"started {manifest.get('started')}"
                 + (" (report written during the run)" if manifest.get("status") == "running"
                    else f", finished {manifest.get('finished')}")
                 + f"; config {manifest.get('config_file')}; seed {manifest.get('seed')}")
        + "<br>" + escape(", ".join(f"{k} {v}" for k, v in sorted((manifest.get("versions") or {}).items())))
        + "</div>",
        *curves_section(report),
        *paired_section(report),
        *finals_section(report),
        *counts_section(report),
        *loss_section(report),
        *stages_section(report),
        *evaluation_section(report),
        *examples_section(report),
        *metrics_section(report),
        "<h2>Config</h2>",
        f"<details><summary>config.resolved.yaml</summary><pre>{escape(report.config_text)}</pre></details>"
        if report.config_text else '<p class="note">no config.resolved.yaml in the run directory</p>',
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # nothing on this page may load or run anything: a sample is untrusted text
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">"
        f"<title>sigil report: {escape(report.run_name)}</title><style>{STYLE}</style></head><body>\n"
        + "\n".join(body) + "\n</body></html>\n"
    )


def table(headers: list[str], rows: list[list[Any]], row_classes: list[str] | None = None) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    out = [f"<table><tr>{head}</tr>"]
    for index, row in enumerate(rows):
        cls = f' class="{row_classes[index]}"' if row_classes else ""
        cells = "".join(
            f'<td class="num">{escape(fmt(v))}</td>' if isinstance(v, (int, float)) and not isinstance(v, bool)
            else f"<td>{escape(str(v))}</td>" for v in row
        )
        out.append(f"<tr{cls}>{cells}</tr>")
    out.append("</table>")
    return "".join(out)


def fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def curves_section(report: Report) -> list[str]:
    if not report.curves:
        return []
    out = ["<h2>Held-out quality by step</h2>",
           '<p class="note">Step 0 is the starting model; step N the model after round N (an arm measured at '
           "snapshots: after N rounds' worth of sampled completions, see the table of completions sampled below). "
           "Bands and bars: 95% bootstrap intervals. One line per stage that logged the metric.</p>",
           '<div class="charts">']
    for metric, series in report.curves.items():
        lines = [Line(s.stage, [(p.step, p.value) for p in s.points],
                      [(p.step, p.interval[0], p.interval[1]) for p in s.points if p.interval]) for s in series]
        out.append(line_chart(f"{CURVE_METRICS[metric]} ({metric})", lines, "step (round)", (0.0, 1.0)))
    out.append("</div>")
    for metric, series in report.curves.items():
        steps = sorted({p.step for s in series for p in s.points})
        rows = []
        for s in series:
            by_step = {p.step: f"{p.value:.4g}" + (f" [{p.interval[0]:.3g}, {p.interval[1]:.3g}]" if p.interval else "")
                       for p in s.points}
            rows.append([s.stage, *(by_step.get(step, "") for step in steps)])
        out.append(f"<h3>{escape(metric)}</h3>" + table(["stage", *(f"step {step}" for step in steps)], rows))
    if report.sampled:
        steps = sorted({step for values in report.sampled.values() for step in values})
        counts: list[list[Any]] = [[stage, *(values.get(step, "") for step in steps)]
                                   for stage, values in report.sampled.items()]
        out.append(f"<h3>completions sampled by step <code>{SAMPLED_METRIC}</code></h3>"
                   + table(["stage", *(f"step {step}" for step in steps)], counts))
    return out


def paired_section(report: Report) -> list[str]:
    if not report.paired:
        return []
    rows = [[r.stage, r.step, r.name, r.gained, r.lost,
             f"{r.p_value:.3g}" if isinstance(r.p_value, (int, float)) else str(r.p_value)] for r in report.paired]
    marks = ["sig" if isinstance(r.p_value, (int, float)) and r.p_value < SIGNIFICANT else "" for r in report.paired]
    return ["<h2>Paired tests against the starting model</h2>",
            '<p class="note">Problems gained (right only after) and lost (right only before); exact two-sided '
            f"McNemar p on the discordant pairs (bold: p &lt; {SIGNIFICANT}).</p>",
            table(["stage", "step", "metric", "gained", "lost", "McNemar p"], rows, marks)]


def finals_section(report: Report) -> list[str]:
    if not report.finals:
        return []
    rows = [[f"{r.first} (step {r.first_step})", f"{r.second} (step {r.second_step})", r.name, r.only_first,
             r.only_second, f"{r.p_value:.3g}"] for r in report.finals]
    marks = ["sig" if r.p_value < SIGNIFICANT else "" for r in report.finals]
    return ["<h2>Final models compared problem by problem</h2>",
            '<p class="note">Each two stages measured on the same held-out problems, at their last step: problems only '
            f"one of them got right; exact two-sided McNemar p (bold: p &lt; {SIGNIFICANT}).</p>",
            table(["stage", "vs stage", "metric", "right only in stage", "right only in vs stage", "McNemar p"], rows,
                  marks)]


def counts_section(report: Report) -> list[str]:
    if not report.counts:
        return []
    out = ["<h2>Error types and lints by step</h2>",
           '<p class="note">Counts logged at each step (compiler error codes, clippy lints, ...), the most frequent '
           "first.</p>"]
    for counts in report.counts:
        steps = list(counts.by_step)
        rows = [[key, *(counts.by_step[s].get(key, 0) for s in steps)] for key in counts.top_keys()]
        out.append(f"<h3>{escape(counts.title)}: {escape(counts.stage)} <code>{escape(counts.metric)}</code></h3>")
        out.append(table(["key", *(f"step {s}" for s in steps)], rows) if rows else '<p class="note">none</p>')
    return out


def loss_section(report: Report) -> list[str]:
    if not report.losses:
        return []
    rows = [[loss.stage, loss.final, loss.points[-1][0], loss.points[0][1], min(v for _, v in loss.points),
             len(loss.points)] for loss in report.losses]
    lines = [Line(loss.stage, [(float(s), v) for s, v in loss.points], []) for loss in report.losses]
    return ["<h2>Training loss</h2>",
            '<p class="note">Final loss: the last loss each training logged (not the run average).</p>',
            table(["stage", "final loss", "at step", "first loss", "min loss", "points"], rows),
            '<div class="charts">' + line_chart("training loss", lines, "step", integer_x=False) + "</div>"]


def stages_section(report: Report) -> list[str]:
    rows = [[r.name, r.type, r.status, "" if r.duration_s is None else r.duration_s, r.error.splitlines()[0][:200]
             if r.error else ""] for r in report.stages]
    timed = [(r.name, r.duration_s) for r in report.stages if r.duration_s is not None]
    return ["<h2>Stages and timings</h2>", table(["stage", "type", "status", "seconds", "error"], rows),
            bar_chart("seconds per stage", timed, "s")]


def evaluation_section(report: Report) -> list[str]:
    out = []
    for name, metrics in evaluations(report).items():
        out += [f"<h2>Evaluation: {escape(name)}</h2>",
                f'<p class="note">{escape(str(metrics.get("total_samples")))} samples, '
                f'{escape(str(metrics.get("filtered_samples")))} pre-filtered, isolation '
                f'{escape(str(metrics.get("isolation")))}, {escape(str(metrics.get("toolchain")))}</p>',
                table(["metric", "value", "target", "verdict"], [list(row) for row in target_verdicts(metrics)])]
        for key in ("error_types", "error_codes", "clippy_lints"):
            counts = metrics.get(key)
            if isinstance(counts, dict) and counts:
                top = sorted(counts.items(), key=lambda item: -item[1] if isinstance(item[1], (int, float)) else 0)[:12]
                out.append(f"<h3>{escape(key)}</h3>" + table(["key", "count"], [[k, v] for k, v in top]))
        if pass_at_k(metrics):
            out.append("<h3>pass@k (tests run in the sandbox)</h3>" + table(["metric", "value"],
                                                                         [list(row) for row in pass_at_k(metrics)]))
    return out


def examples_section(report: Report) -> list[str]:
    if not report.examples:
        return []
    out = ["<h2>Example samples</h2>",
           '<p class="note">A few that passed and a few that failed from each file of verdicts (shown as text, '
           "escaped).</p>"]
    source = None
    for example in report.examples:
        if example.source != source:
            source = example.source
            out.append(f"<h3>{escape(source)}</h3>")
        verdict = "passed" if example.passed else "failed"
        out.append(f'<div class="sample"><div class="head"><span class="{verdict}">{verdict}</span> '
                   f"{escape(example.name)}: {escape(example.status)}</div><pre>{escape(example.text)}</pre></div>")
    return out


def metrics_section(report: Report) -> list[str]:
    evaluated = evaluations(report)
    out = []
    for name, metrics in report.stage_metrics.items():
        if name in evaluated:
            continue
        rows = [[key, value if isinstance(value, (int, float)) and not isinstance(value, bool) else json.dumps(value)]
                for key, value in metrics.items()]
        if rows:
            out.append(f"<h3>{escape(name)}</h3>" + table(["metric", "value"], rows))
    return ["<h2>Stage summaries</h2>", *out] if out else []
