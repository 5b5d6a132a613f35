import json

from sigil.cli import main
from sigil.config import load_config
from sigil.pipeline.runner import run_pipeline
from sigil.report.gather import target_verdicts


def test_report_stage_and_command(capsys, write_yaml, tmp_path):
    run_dir = tmp_path / "run"
    path = write_yaml(
        f"misc: {{output_dir: {run_dir}}}\ndataset: {{names: ['{tmp_path / 'absent.jsonl'}']}}\n"
        "stages: [{name: summary, type: report}]\n"
    )
    outputs = run_pipeline(load_config(path), str(path))
    text = outputs["summary"].artifact("report").read_text()
    assert f"# sigil run report: {run_dir.name}" in text
    assert "- versions: " in text and "sigil 0.1.0" in text
    assert main(["report", str(run_dir)]) == 0
    assert "| summary | report | completed |" in capsys.readouterr().out


def test_report_of_a_non_run_directory(capsys, tmp_path):
    assert main(["report", str(tmp_path)]) == 1
    assert "not a sigil run directory" in capsys.readouterr().err


def test_targets_verdicts():
    rows = target_verdicts({"compile_rate": 0.96, "avg_clippy_warnings": 2.5, "avg_idiomatic_score": None})
    assert [row[3] for row in rows[:3]] == ["met", "missed", "n/a"]


def test_report_lists_the_data_stages_top_drop_reasons_with_examples(write_yaml, tmp_path):
    run_dir = tmp_path / "run"
    path = write_yaml(
        f"misc: {{output_dir: {run_dir}}}\n"
        "stages: [{name: data, type: data}, {name: summary, type: report}]\n"
    )
    outputs = run_pipeline(load_config(path), str(path))
    text = outputs["summary"].artifact("report").read_text()
    section = text.split("## data (data)", 1)[1]
    reasons = [line for line in section.splitlines() if line.startswith("  - ")]
    assert reasons, text
    # each reason names its count and example paths of files the stage really dropped
    dropped = [json.loads(line) for line in (run_dir / "stages/data/dropped.jsonl").read_text().splitlines()]
    dropped_paths = {record["path"] for record in dropped}
    first = reasons[0]
    assert ", e.g. " in first
    examples = first.split(", e.g. ", 1)[1].split(", ")
    assert examples and set(examples) <= dropped_paths
