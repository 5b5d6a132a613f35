"""What a run report shows, read once from a run directory; the Markdown and HTML renderers only lay it out.

Everything is discovered by file and metric name, never by stage name or type, so a new stage that logs the same
metrics shows up without a change here:

- ``manifest.json``: run status, each stage's status, timings and summary metrics;
- ``config.resolved.yaml``: the stages the run was asked to run (for the status) and the config shown;
- ``metrics.jsonl``: per-step records. A stage that logs ``heldout_compile_rate`` / ``heldout_pass_at_1`` (with
  ``_ci95`` intervals) at steps gets curves (step 0: the starting model); ``<name>_gained`` / ``_lost`` /
  ``_mcnemar_p`` give the paired tests; ``completions_sampled`` logged with them says how many completions the
  stage had sampled by each step (arms compared at equal sampled completions share steps); a count mapping logged at
  steps (e.g. ``heldout_error_codes``) gives a table by step; every ``loss`` gives the training curves and the final (last logged) loss per logging stage;
- stage artifacts that are evaluated samples (JSONL records with a ``check`` verdict) and held-out verdict files
  (``work/<stage>/round-NNN/heldout.jsonl``): the example samples that passed and failed;
- the last held-out verdict files of every two completed stages that judged the same problems: their final models
  compared problem by problem (``status`` ``passed``; anything but ``compile_error`` built), an exact McNemar test
  each. Every arm is also tested against the shared start (above), but two arms that both gain can differ: this
  says which one, on the same problems.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sigil.errors import SigilError
from sigil.io import read_jsonl
from sigil.stats import mcnemar_exact

log = logging.getLogger(__name__)

#: The targets users chase: metric → (comparison, threshold).
TARGETS: dict[str, tuple[str, float]] = {
    "compile_rate": (">=", 0.95),
    "avg_clippy_warnings": ("<=", 2.0),
    "avg_idiomatic_score": (">=", 0.7),
    "doc_comment_rate": (">=", 0.5),
}

#: Per-step rates drawn as curves, with their titles; ``<name>_ci95`` is the interval when logged.
CURVE_METRICS: dict[str, str] = {
    "heldout_compile_rate": "held-out compile rate",
    "heldout_pass_at_1": "held-out pass@1",
}
#: Titles of the count mappings sigil's stages log at steps; any other mapping is titled by its metric name.
COUNT_TITLES: dict[str, str] = {
    "heldout_error_types": "held-out programs that did not build, by error kind",
    "heldout_error_codes": "rustc error codes in held-out programs that did not build",
    "heldout_clippy_lints": "clippy lints in held-out programs that built",
    "error_types": "the step's own samples that did not build, by error kind",
    "error_codes": "rustc error codes in the step's own samples",
    "clippy_lints": "clippy lints in the step's own samples",
}
PAIRED_SUFFIX = "_mcnemar_p"
#: Completions a stage had sampled by a step (an rsft round, an arm's snapshot): what its curves' steps stand for.
SAMPLED_METRIC = "completions_sampled"
LOSS_METRIC = "loss"
EXAMPLES_PER_KIND = 3
EXAMPLE_CHARS = 1500
EXAMPLES_SCANNED = 20_000
HELDOUT_VERDICTS = "heldout.jsonl"


@dataclass
class RunStatus:
    completed: bool
    text: str  # "completed", or what is unfinished and why


@dataclass
class StageRow:
    name: str
    type: str
    status: str
    duration_s: float | None
    fingerprint: str
    error: str


@dataclass
class Point:
    step: int
    value: float
    interval: tuple[float, float] | None


@dataclass
class Series:
    """One logging stage's values of one metric, by step."""

    stage: str
    points: list[Point]


@dataclass
class Paired:
    stage: str
    step: int
    name: str  # e.g. heldout_pass
    gained: Any
    lost: Any
    p_value: Any


@dataclass
class FinalPair:
    """Two stages' final models on the same held-out problems: how many problems only one of them got right."""

    first: str
    first_step: int
    second: str
    second_step: int
    name: str  # compile or pass
    only_first: int
    only_second: int
    p_value: float


@dataclass
class Counts:
    """A count mapping (e.g. error code → samples) logged by one stage at several steps."""

    stage: str
    metric: str
    by_step: dict[int, dict[str, int]]

    @property
    def title(self) -> str:
        return COUNT_TITLES.get(self.metric, self.metric)

    def top_keys(self, limit: int = 12) -> list[str]:
        totals: dict[str, int] = {}
        for counts in self.by_step.values():
            for key, count in counts.items():
                totals[key] = totals.get(key, 0) + count
        return sorted(totals, key=lambda key: (-totals[key], key))[:limit]


@dataclass
class Loss:
    stage: str
    points: list[tuple[int, float]]

    @property
    def final(self) -> float:
        return self.points[-1][1]


@dataclass
class Example:
    source: str  # the file it came from, relative to the run directory
    name: str
    passed: bool
    status: str
    text: str


@dataclass
class Report:
    run_name: str
    manifest: dict[str, Any]
    status: RunStatus
    stages: list[StageRow]
    curves: dict[str, list[Series]]  # metric → one series per logging stage
    paired: list[Paired]
    finals: list[FinalPair]
    sampled: dict[str, dict[int, float]]  # stage → step → completions sampled by then
    counts: list[Counts]
    losses: list[Loss]
    examples: list[Example]
    config_text: str
    stage_metrics: dict[str, dict[str, Any]] = field(default_factory=dict)  # stage → summary metrics


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


def gather(run_dir: Path, writing_stage: str | None = None) -> Report:
    """Everything a report shows. ``writing_stage``: the stage writing this report from inside the run (it has
    not finished yet, so it does not count as unfinished)."""
    manifest = load_manifest(run_dir)
    config_text, planned = read_config(run_dir)
    records = list(read_metrics_quietly(run_dir / "metrics.jsonl"))
    stages = manifest["stages"]
    return Report(
        run_name=run_dir.name,
        manifest=manifest,
        status=run_status(manifest, planned, writing_stage),
        stages=[stage_row(name, record) for name, record in stages.items()],
        curves=curves(records),
        paired=paired_tests(records),
        finals=final_pairs(run_dir, stages),
        sampled=sampled_by_step(records),
        counts=count_tables(records),
        losses=losses(records),
        examples=examples(run_dir, stages),
        config_text=config_text,
        stage_metrics={name: r["metrics"] for name, r in stages.items() if isinstance(r.get("metrics"), dict)},
    )


# --- run status ---------------------------------------------------------------------------------------------


def read_config(run_dir: Path) -> tuple[str, list[str]]:
    """The resolved config's text and the stage names it lists (empty when the file is missing or unreadable)."""
    path = run_dir / "config.resolved.yaml"
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return "", []
    try:
        data = yaml.safe_load(text)
        names = [str(stage["name"]) for stage in data.get("stages", [])]
    except (yaml.YAMLError, AttributeError, KeyError, TypeError):
        log.warning("%s: unreadable; the report cannot tell which stages the run was asked for", path)
        names = []
    return text, names


def run_status(manifest: dict[str, Any], planned: list[str], writing_stage: str | None = None) -> RunStatus:
    """"completed" only when every stage the config lists completed (the stage writing the report aside) and the
    run did not stop; otherwise which stages failed, were interrupted, were left unfinished or were not run."""
    stages: dict[str, dict[str, Any]] = manifest["stages"]
    run = str(manifest.get("status"))
    names = planned or list(stages)
    problems = []
    for name in names:
        if name == writing_stage:
            continue
        record = stages.get(name)
        status = record.get("status") if record else None
        if status == "completed":
            continue
        if status in ("failed", "interrupted"):
            error = str(record.get("error", "")).strip().splitlines() if record else []
            problems.append(f"stage {name} {status}" + (f" ({error[0][:200]})" if error else ""))
        elif status is None:
            problems.append(f"stage {name} not run")
        else:
            problems.append(f"stage {name} unfinished ({status})")
    stopped = run in ("failed", "interrupted")
    # a report written by a stage sees the run as "running"; anything else still running was killed or is live
    live = run == "running" and writing_stage is None
    if not problems and not stopped and not live:
        return RunStatus(True, "completed")
    if live:
        problems.insert(0, "the run is still going or was killed (manifest status: running)")
    elif stopped and not problems:
        problems.insert(0, f"the run {run}")
    return RunStatus(False, "not completed: " + "; ".join(problems))


def stage_row(name: str, record: dict[str, Any]) -> StageRow:
    duration = record.get("duration_s")
    return StageRow(
        name=name,
        type=str(record.get("type", "")),
        status=str(record.get("status", "")),
        duration_s=float(duration) if isinstance(duration, (int, float)) else None,
        fingerprint=str(record.get("fingerprint", "")),
        error=str(record.get("error", "")),
    )


# --- metrics.jsonl --------------------------------------------------------------------------------------------


def read_metrics_quietly(path: Path) -> list[dict[str, Any]]:
    """The metric records (a torn line is skipped and counted in one warning, not one per line)."""
    if not path.exists():
        return []
    bad: list[str] = []
    records = list(read_jsonl(path, skip_bad_lines=True, bad_lines=bad))
    if bad:
        log.warning("%s: %d malformed lines skipped (first: %s)", path, len(bad), bad[0])
    return records


def last_by_step(records: list[dict[str, Any]], has: str) -> dict[str, dict[int, dict[str, Any]]]:
    """stage → step → the last record (of that stage and step) carrying ``has``: a resumed or re-run stage logs a
    step again, and the later record describes the result the run kept."""
    out: dict[str, dict[int, dict[str, Any]]] = {}
    for record in records:
        step = record.get("step")
        if isinstance(step, int) and not isinstance(step, bool) and has in record:
            out.setdefault(str(record.get("stage")), {})[step] = record
    return out


def number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def interval(value: Any) -> tuple[float, float] | None:
    if isinstance(value, list) and len(value) == 2:
        low, high = number(value[0]), number(value[1])
        if low is not None and high is not None:
            return low, high
    return None


def curves(records: list[dict[str, Any]]) -> dict[str, list[Series]]:
    out: dict[str, list[Series]] = {}
    for metric in CURVE_METRICS:
        for stage, steps in last_by_step(records, metric).items():
            points = [
                Point(step, value, interval(record.get(f"{metric}_ci95")))
                for step, record in sorted(steps.items())
                if (value := number(record[metric])) is not None
            ]
            if points:
                out.setdefault(metric, []).append(Series(stage, points))
    return out


def sampled_by_step(records: list[dict[str, Any]]) -> dict[str, dict[int, float]]:
    """stage → step → ``completions_sampled``, for the stages that log it with their held-out curves."""
    out: dict[str, dict[int, float]] = {}
    for stage, steps in last_by_step(records, SAMPLED_METRIC).items():
        values = {step: value for step, record in sorted(steps.items())
                  if (value := number(record[SAMPLED_METRIC])) is not None}
        if values:
            out[stage] = values
    return out


def paired_tests(records: list[dict[str, Any]]) -> list[Paired]:
    names = sorted({key[: -len(PAIRED_SUFFIX)] for record in records for key in record if key.endswith(PAIRED_SUFFIX)})
    out = []
    for name in names:
        for stage, steps in last_by_step(records, name + PAIRED_SUFFIX).items():
            for step, record in sorted(steps.items()):
                out.append(Paired(stage, step, name, record.get(f"{name}_gained"), record.get(f"{name}_lost"),
                                  record.get(name + PAIRED_SUFFIX)))
    return sorted(out, key=lambda row: (row.stage, row.name, row.step))


def final_pairs(run_dir: Path, stages: dict[str, dict[str, Any]]) -> list[FinalPair]:
    """Every two completed stages whose last held-out verdicts cover the same problems, compared problem by
    problem (stages in run order)."""
    finals: list[tuple[str, int, dict[str, str]]] = []
    for name, record in stages.items():
        last = last_heldout_verdicts(run_dir / "work" / name)
        if record.get("status") != "completed" or last is None:
            continue
        step, path = last
        statuses = {str(r["problem"]): str(r["status"]) for r in read_jsonl(path, skip_bad_lines=True, bad_lines=[])
                    if isinstance(r, dict) and "problem" in r and "status" in r}
        if statuses:
            finals.append((name, step, statuses))
    out = []
    for index, (first, first_step, mine) in enumerate(finals):
        for second, second_step, theirs in finals[index + 1:]:
            if mine.keys() != theirs.keys():
                continue
            for metric, right in (("compile", lambda s: s != "compile_error"), ("pass", lambda s: s == "passed")):
                only_first, only_second, p_value = mcnemar_exact([right(mine[p]) for p in mine],
                                                                 [right(theirs[p]) for p in mine])
                out.append(FinalPair(first, first_step, second, second_step, metric, only_first, only_second, p_value))
    return out


def is_counts(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, int) and not isinstance(v, bool) for v in value.values())


def count_tables(records: list[dict[str, Any]]) -> list[Counts]:
    """Every count mapping a stage logged at steps (error codes, lints, statuses...), one table each."""
    tables: dict[tuple[str, str], dict[int, dict[str, int]]] = {}
    for record in records:
        step = record.get("step")
        if not isinstance(step, int) or isinstance(step, bool):
            continue
        for key, value in record.items():
            if is_counts(value):
                tables.setdefault((str(record.get("stage")), key), {})[step] = {str(k): v for k, v in value.items()}
    # a mapping that stayed empty at every step (no lints at all) is no table
    return [Counts(stage, metric, dict(sorted(by_step.items())))
            for (stage, metric), by_step in sorted(tables.items()) if any(by_step.values())]


def losses(records: list[dict[str, Any]]) -> list[Loss]:
    out = []
    for stage, steps in last_by_step(records, LOSS_METRIC).items():
        points = [(step, value) for step, record in sorted(steps.items())
                  if (value := number(record[LOSS_METRIC])) is not None]
        if points:
            out.append(Loss(stage, points))
    return out


# --- example samples ------------------------------------------------------------------------------------------


def examples(run_dir: Path, stages: dict[str, dict[str, Any]]) -> list[Example]:
    """A few samples that passed and a few that failed from each source: every stage artifact holding evaluated
    samples (records with a ``check`` verdict), and each stage's last held-out verdicts in its work directory."""
    out: list[Example] = []
    for name, record in stages.items():
        if record.get("status") != "completed":
            continue
        for relative in (record.get("artifacts") or {}).values():
            path = run_dir / "stages" / name / str(relative)
            if path.suffix == ".jsonl" and path.is_file():
                out += pick(path, run_dir, evaluated_sample)
    for work in sorted(p for p in (run_dir / "work").glob("*") if p.is_dir()):
        last = last_heldout_verdicts(work)
        if last is not None:
            out += pick(last[1], run_dir, heldout_verdict)
    return out


def last_heldout_verdicts(work: Path) -> tuple[int, Path] | None:
    """A stage's last round (by number, not by name: round-1000 follows round-999) with held-out verdicts."""
    rounds = [(int(path.parent.name.removeprefix("round-")), path) for path in work.glob(f"round-*/{HELDOUT_VERDICTS}")
              if path.parent.name.removeprefix("round-").isdigit()]
    return max(rounds, default=None)


def evaluated_sample(record: dict[str, Any]) -> Example | None:
    check = record.get("check")
    if not isinstance(check, dict) or "compiles" not in check:
        return None
    tests = record.get("tests") if isinstance(record.get("tests"), dict) else None
    if tests is not None:
        status = str(tests.get("status", "error"))
        passed = status == "passed"
    else:
        passed = bool(check["compiles"])
        status = "compiles" if passed else str(check.get("status", "error"))
    detail = check.get("first_error") or ", ".join(check.get("error_codes") or []) or check.get("reject_reason")
    text = str(record.get("code") or record.get("gen") or record.get("completion") or "")
    return Example("", str(record.get("id", record.get("problem", "?"))), passed,
                   status + (f": {detail}" if detail and not passed else ""), text)


def heldout_verdict(record: dict[str, Any]) -> Example | None:
    if "status" not in record or "completion" not in record:
        return None
    status = str(record["status"])
    return Example("", str(record.get("problem", "?")), status == "passed", status, str(record["completion"]))


def pick(path: Path, run_dir: Path, parse: Any) -> list[Example]:
    """The first few that passed and the first few that failed in ``path`` (read until both are found)."""
    passed: list[Example] = []
    failed: list[Example] = []
    for index, record in enumerate(read_jsonl(path, skip_bad_lines=True, bad_lines=[])):
        if index == EXAMPLES_SCANNED:  # a big file where one kind is rare: what was found is enough
            break
        example = parse(record)
        if example is None:
            return []  # not a file of verdicts
        chosen = passed if example.passed else failed
        if len(chosen) < EXAMPLES_PER_KIND:
            example.source = str(path.relative_to(run_dir))
            example.text = shorten(example.text)
            chosen.append(example)
        if len(passed) >= EXAMPLES_PER_KIND and len(failed) >= EXAMPLES_PER_KIND:
            break
    return passed + failed


def shorten(text: str) -> str:
    """At most EXAMPLE_CHARS characters, runs of blank lines collapsed (a model's output can be 60 newlines)."""
    text = re.sub(r"\n\s*\n(\s*\n)+", "\n\n…\n\n", text.rstrip())
    if not text.strip():
        return "(empty or only whitespace)"
    return text[:EXAMPLE_CHARS] + ("\n…" if len(text) > EXAMPLE_CHARS else "")


# --- evaluation targets ----------------------------------------------------------------------------------------


def target_verdicts(metrics: dict[str, Any]) -> list[tuple[str, Any, str, str]]:
    """(metric, value, target, met/missed/n/a) for each target."""
    rows = []
    for name, (comparison, threshold) in TARGETS.items():
        value = metrics.get(name)
        if value is None:
            verdict = "n/a"
        else:
            met = value >= threshold if comparison == ">=" else value <= threshold
            verdict = "met" if met else "missed"
        rows.append((name, "n/a" if value is None else value, f"{comparison} {threshold}", verdict))
    return rows


def pass_at_k(metrics: dict[str, Any]) -> list[tuple[str, Any]]:
    """The scalar parts of an evaluation's ``pass_at_k`` (pass@1, pass@k, problems, samples), not its per-problem
    breakdown."""
    value = metrics.get("pass_at_k")
    if not isinstance(value, dict):
        return []
    return [(key, item) for key, item in value.items()
            if isinstance(item, (int, float, str)) and not isinstance(item, bool)]


def evaluations(report: Report) -> dict[str, dict[str, Any]]:
    """Stages whose summary metrics carry a target metric (evaluations of samples), by name."""
    return {name: m for name, m in report.stage_metrics.items() if any(key in m for key in TARGETS)}
