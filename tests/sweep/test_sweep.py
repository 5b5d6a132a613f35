import json

import pytest

from sigil import hookimpl
from sigil.cli import main
from sigil.config import Section
from sigil.errors import ConfigError
from sigil.pipeline import StageContext, StageResult
from sigil.sweep.run import expand_grid, plan_sweep, run_sweep


class SquareOptions(Section):
    x: int = 1


class Square:
    Options = SquareOptions
    config_keys = ("dataset.max_length",)
    version = "1"

    def run(self, ctx: StageContext) -> StageResult:
        (ctx.out_dir / "x").write_text("")
        return StageResult({"x": "x"}, {"score": -((ctx.options.x - 2) ** 2) + ctx.config.dataset.max_length})


class Plugin:
    @hookimpl
    def register_stages(self, register):
        register("square", Square)


def test_expand_grid():
    assert expand_grid({"a": [1, 2], "b": ["x"]}) == [{"a": 1, "b": "x"}, {"a": 2, "b": "x"}]


def test_sweep_runs_every_point_and_ranks(plugin, write_yaml, tmp_path):
    plugin(Plugin(), name="square")
    path = write_yaml(
        f"misc: {{output_dir: {tmp_path / 'sweep'}}}\ndataset: {{max_length: 10, min_length: 0}}\n"
        "stages: [{name: s, type: square}]\nsweep: {grid: {stages.0.options.x: [0, 2, 3]}, metric: score}\n"
    )
    rows = run_sweep(path, [], {"dataset.max_length": [10, 20]})
    assert len(rows) == 6
    assert rows[0]["score"] == 20 and rows[0]["stages.0.options.x"] == 2
    assert [row["score"] for row in rows] == sorted((row["score"] for row in rows), reverse=True)
    saved = json.loads((tmp_path / "sweep" / "sweep.json").read_text())
    assert saved["runs"] == rows
    assert (tmp_path / "sweep" / "sweep.csv").read_text().startswith("stages.0.options.x,dataset.max_length,score,run_dir")


def test_every_point_is_validated_before_any_run(plugin, write_yaml, tmp_path):
    plugin(Plugin(), name="square")
    path = write_yaml(f"misc: {{output_dir: {tmp_path / 'sweep'}}}\nstages: [{{name: s, type: square}}]\n")
    with pytest.raises(ConfigError, match="sweep point .*dataset.max_length.*Input should be greater than 0"):
        plan_sweep(path, [], {"dataset.max_length": [100, -1]})
    assert not (tmp_path / "sweep").exists()


def test_sweep_cli_bad_grid(capsys, write_yaml):
    assert main(["sweep", str(write_yaml("stages: [{name: data, type: data}]\n")), "--grid", "nonsense"]) == 2
    assert "expected KEY=V1,V2" in capsys.readouterr().err
    assert main(["sweep", str(write_yaml("stages: [{name: data, type: data}]\n"))]) == 1
    assert "sweep.grid is empty" in capsys.readouterr().err
