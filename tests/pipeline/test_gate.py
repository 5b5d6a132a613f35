"""The built-in ``gate`` stage: passes, fails on a threshold, fails on a regression, bad references rejected early."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from pydantic import Field

import sigil
from sigil.cli import main
from sigil.config.section import Section


class EmitOptions(Section):
    metrics: dict = Field(default_factory=dict)


class EmitStage:
    """Publishes the metrics its options give (stands for any stage: sft, rsft, grpo, evaluate)."""

    Options = EmitOptions
    config_keys = ()
    version = "1"
    runs: list[str] = []

    def run(self, ctx):
        EmitStage.runs.append(ctx.name)
        return sigil.StageResult(metrics=ctx.options.metrics)


class EmitPlugin:
    @sigil.hookimpl
    def register_stages(self, register):
        register("emit", EmitStage)


@pytest.fixture(autouse=True)
def emit(plugin):
    EmitStage.runs = []
    plugin(EmitPlugin(), name="test-emit")


def pipeline(tmp_path: Path, checks: list[dict], after: bool = True) -> Path:
    stages = [
        {"name": "sft", "type": "emit", "options": {"metrics": {"heldout_pass_at_1": 0.10}}},
        {"name": "rsft", "type": "emit", "options": {"metrics": {
            "start_heldout_pass_at_1": 0.10, "final_heldout_pass_at_1": 0.07, "pass_at_k": {"pass@1": 0.3}}}},
        {"name": "gate", "type": "gate", "options": {"checks": checks}},
    ] + ([{"name": "after", "type": "emit"}] if after else [])
    path = tmp_path / "p.yml"
    path.write_text(yaml.safe_dump({"misc": {"output_dir": str(tmp_path / "run")}, "stages": stages}))
    return path


def manifest_error(tmp_path: Path) -> str:
    return json.loads((tmp_path / "run" / "manifest.json").read_text())["stages"]["gate"]["error"]


def test_a_gate_that_holds_lets_the_pipeline_go_on(tmp_path, capsys):
    checks = [{"stage": "rsft", "metric": "final_heldout_pass_at_1", "min": 0.05, "max": 0.5},
              {"stage": "rsft", "metric": "final_heldout_pass_at_1",
               "baseline": {"stage": "rsft", "metric": "start_heldout_pass_at_1"}, "tolerance": 0.05},
              {"stage": "rsft", "metric": "pass_at_k.pass@1", "min": 0.25}]
    assert main(["run", str(pipeline(tmp_path, checks))]) == 0
    assert EmitStage.runs == ["sft", "rsft", "after"]
    gate = json.loads((tmp_path / "run" / "stages" / "gate" / "gate.json").read_text())
    assert [check["passed"] for check in gate] == [True, True, True]


def test_a_missed_threshold_stops_the_pipeline_with_the_reason(tmp_path, capsys):
    checks = [{"stage": "rsft", "metric": "final_heldout_pass_at_1", "min": 0.08}]
    assert main(["run", str(pipeline(tmp_path, checks))]) == 1
    assert EmitStage.runs == ["sft", "rsft"]  # the stage after the gate never ran
    reason = "rsft.final_heldout_pass_at_1 = 0.07 is below min 0.08"
    assert reason in capsys.readouterr().err and reason in manifest_error(tmp_path)


def test_a_regression_beyond_tolerance_stops_the_pipeline(tmp_path, capsys):
    checks = [{"stage": "rsft", "metric": "final_heldout_pass_at_1", "tolerance": 0.02,
               "baseline": {"stage": "sft", "metric": "heldout_pass_at_1"}},
              {"stage": "rsft", "metric": "final_heldout_pass_at_1", "max": 1.0}]
    assert main(["run", str(pipeline(tmp_path, checks))]) == 1
    err = capsys.readouterr().err
    assert ("gate 'gate': 1 of 2 checks failed: rsft.final_heldout_pass_at_1 = 0.07 regressed below "
            "sft.heldout_pass_at_1 = 0.1 - tolerance 0.02") in err
    # lower is better (an error rate): rising past the baseline fails, falling passes
    checks = [{"stage": "rsft", "metric": "final_heldout_pass_at_1", "higher_is_better": False,
               "baseline": {"stage": "sft", "metric": "heldout_pass_at_1"}}]
    assert main(["run", str(pipeline(tmp_path, checks))]) == 0


def test_a_missing_metric_fails_naming_what_the_stage_has(tmp_path, capsys):
    checks = [{"stage": "sft", "metric": "final_heldout_pass_at_1", "min": 0.0}]
    assert main(["run", str(pipeline(tmp_path, checks))]) == 1
    assert "stage 'sft' has no metric 'final_heldout_pass_at_1'; it has: heldout_pass_at_1" in capsys.readouterr().err


@pytest.mark.parametrize(("checks", "message"), [
    ([{"stage": "rsft-typo", "metric": "m", "min": 0}], "options.checks[0].stage names 'rsft-typo', which is no stage"),
    ([{"stage": "rsft", "metric": "m", "baseline": {"stage": "after"}}],
     "options.checks[0].baseline.stage names 'after', which is a later stage"),
    ([{"stage": "rsft", "metric": "m"}], "give min, max or baseline"),
    ([], "checks"),
])
def test_bad_gate_config_is_rejected_before_any_stage_runs(tmp_path, capsys, checks, message):
    assert main(["run", str(pipeline(tmp_path, checks))]) == 1
    assert message in capsys.readouterr().err
    assert EmitStage.runs == [] and not (tmp_path / "run" / "stages").exists()
