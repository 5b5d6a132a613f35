"""The runner: order, skipping unchanged stages, --from/--only/--force, crash and Ctrl-C resume, atomicity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sigil import hookimpl
from sigil.config import Section, load_config
from sigil.errors import ConfigError, SigilError
from sigil.pipeline import StageContext, StageResult
from sigil.pipeline.runner import Selection, run_pipeline

CALLS: list[str] = []
FAIL: dict[str, type[BaseException]] = {}


class CountOptions(Section):
    upto: int = 3


class CountStage:
    """Writes numbers; fails on demand with the exception in FAIL[name] after writing half its output."""

    Options = CountOptions
    config_keys = ("model_name",)
    version = "1"

    def run(self, ctx: StageContext) -> StageResult:
        CALLS.append(ctx.name)
        (ctx.out_dir / "numbers.txt").write_text("0\n")
        if ctx.name in FAIL:
            raise FAIL.pop(ctx.name)("boom")
        previous = sorted(ctx.upstream)
        (ctx.out_dir / "numbers.txt").write_text("\n".join(str(i) for i in range(ctx.options.upto)))
        ctx.log_metrics({"count": ctx.options.upto, "upstream": len(previous)}, step=1)
        return StageResult(artifacts={"numbers": "numbers.txt"}, metrics={"count": ctx.options.upto})


class LyingStage(CountStage):
    def run(self, ctx: StageContext) -> StageResult:
        return StageResult(artifacts={"numbers": "missing.txt"})


class Stages:
    @hookimpl
    def register_stages(self, register):
        register("count", CountStage)
        register("liar", LyingStage)


PIPELINE = """
misc: {{output_dir: {run_dir}}}
stages:
  - {{name: a, type: count}}
  - {{name: b, type: count, options: {{upto: 5}}}}
  - {{name: c, type: count}}
"""


@pytest.fixture
def pipeline(plugin, write_yaml, tmp_path):
    plugin(Stages(), name="test-stages")
    CALLS.clear()
    FAIL.clear()
    path = write_yaml(PIPELINE.format(run_dir=tmp_path / "run"))

    def run(*overrides: str, selection: Selection = Selection()) -> dict:
        return run_pipeline(load_config(path, overrides), str(path), selection)

    return run


def test_hook_register_stages(pipeline, tmp_path):
    outputs = pipeline()
    assert CALLS == ["a", "b", "c"]
    assert outputs["b"].artifact("numbers").read_text() == "0\n1\n2\n3\n4"
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["status"] == "completed"
    assert [manifest["stages"][name]["status"] for name in "abc"] == ["completed"] * 3
    assert manifest["versions"]["sigil"]
    assert (tmp_path / "run" / "config.resolved.yaml").exists()


def test_rerun_skips_unchanged_and_reruns_changed(pipeline):
    pipeline()
    CALLS.clear()
    pipeline()
    assert CALLS == []
    pipeline("stages.1.options.upto=6")
    assert CALLS == ["b", "c"]
    CALLS.clear()
    pipeline("model_name=other")  # a key every stage depends on
    assert CALLS == ["a", "b", "c"]


def test_from_only_force(pipeline):
    pipeline()
    CALLS.clear()
    pipeline(selection=Selection(from_stage="b"))
    assert CALLS == ["b", "c"]
    CALLS.clear()
    pipeline(selection=Selection(only="a"))
    assert CALLS == ["a"]
    CALLS.clear()
    pipeline(selection=Selection(force=True))
    assert CALLS == ["a", "b", "c"]
    with pytest.raises(ConfigError, match="no stage named 'z'"):
        pipeline(selection=Selection(only="z"))


def test_only_needs_earlier_stages_complete(pipeline):
    with pytest.raises(SigilError, match="stage 'a' has no completed result yet"):
        pipeline(selection=Selection(only="b"))


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_crash_keeps_completed_stages_and_resumes(pipeline, tmp_path, error):
    FAIL["b"] = error
    with pytest.raises(error):
        pipeline()
    assert CALLS == ["a", "b"]
    stages = tmp_path / "run" / "stages"
    assert sorted(p.name for p in stages.iterdir()) == ["a"]  # no half-written b
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["status"] == ("interrupted" if error is KeyboardInterrupt else "failed")
    assert manifest["stages"]["b"]["status"] == manifest["status"]
    CALLS.clear()
    pipeline()
    assert CALLS == ["b", "c"]


def test_declared_artifact_must_exist(plugin, write_yaml, tmp_path):
    plugin(Stages(), name="test-stages")
    path = write_yaml(f"misc: {{output_dir: {tmp_path / 'run'}}}\nstages:\n  - {{name: x, type: liar}}\n")
    with pytest.raises(SigilError, match="declared artifact 'numbers' \\(missing.txt\\) but did not write it"):
        run_pipeline(load_config(path), str(path))
    assert not (tmp_path / "run" / "stages" / "x").exists()


def test_bad_stage_options_fail_before_any_work(plugin, write_yaml, tmp_path):
    plugin(Stages(), name="test-stages")
    CALLS.clear()
    path = write_yaml(
        f"misc: {{output_dir: {tmp_path / 'run'}}}\n"
        "stages:\n  - {name: a, type: count}\n  - {name: b, type: count, options: {upto: many}}\n"
    )
    with pytest.raises(ConfigError, match=r"stages\[1\]\.options: upto: Input should be a valid integer"):
        run_pipeline(load_config(path), str(path))
    assert CALLS == []


def test_concurrent_run_is_refused(pipeline, tmp_path):
    from sigil.pipeline.rundir import RunDir

    with RunDir(tmp_path / "run").locked(), pytest.raises(SigilError, match="another sigil run"):
        pipeline()


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple] = []

    @hookimpl
    def on_run_start(self, run_dir, config):
        self.events.append(("run_start", Path(run_dir).name, config["model_name"]))

    @hookimpl
    def on_stage_start(self, ctx):
        self.events.append(("stage_start", ctx.name))

    @hookimpl
    def on_stage_end(self, ctx, result, error):
        self.events.append(("stage_end", ctx.name, result is not None, type(error).__name__ if error else None))

    @hookimpl
    def on_metrics(self, run_dir, stage, step, metrics):
        self.events.append(("metrics", stage, step, metrics["count"]))

    @hookimpl
    def on_run_end(self, run_dir, status):
        self.events.append(("run_end", status))


@pytest.fixture
def recorder(plugin):
    return plugin(Recorder(), name="recorder")


def test_hook_on_run_start(pipeline, recorder):
    pipeline()
    assert recorder.events[0] == ("run_start", "run", "sigil-tiny:llama")


def test_hook_on_stage_start(pipeline, recorder):
    pipeline()
    assert [e[1] for e in recorder.events if e[0] == "stage_start"] == ["a", "b", "c"]


def test_hook_on_stage_end(pipeline, recorder):
    FAIL["c"] = RuntimeError
    with pytest.raises(RuntimeError):
        pipeline()
    ends = [e for e in recorder.events if e[0] == "stage_end"]
    assert ends == [("stage_end", "a", True, None), ("stage_end", "b", True, None), ("stage_end", "c", False, "RuntimeError")]


def test_hook_on_metrics(pipeline, recorder, tmp_path):
    pipeline()
    assert [e for e in recorder.events if e[0] == "metrics"] == [
        ("metrics", "a", 1, 3), ("metrics", "b", 1, 5), ("metrics", "c", 1, 3)
    ]
    lines = (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert [(r["stage"], r["step"], r["count"], r["upstream"]) for r in records] == [
        ("a", 1, 3, 0), ("b", 1, 5, 1), ("c", 1, 3, 2)
    ]


def test_hook_on_run_end(pipeline, recorder):
    FAIL["a"] = KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        pipeline()
    assert recorder.events[-1] == ("run_end", "interrupted")
    pipeline()
    assert recorder.events[-1] == ("run_end", "completed")


def test_dotted_config_keys_in_fingerprints(plugin, write_yaml, tmp_path):
    class Narrow(CountStage):
        config_keys = ("dataset.min_length",)

    class Plugin:
        @hookimpl
        def register_stages(self, register):
            register("narrow", Narrow)

    plugin(Plugin(), name="narrow")
    CALLS.clear()
    path = write_yaml(f"misc: {{output_dir: {tmp_path / 'run'}}}\nstages:\n  - {{name: n, type: narrow}}\n")
    run_pipeline(load_config(path), str(path))
    run_pipeline(load_config(path, ["dataset.max_length=999"]), str(path))
    assert CALLS == ["n"]
    run_pipeline(load_config(path, ["dataset.min_length=7"]), str(path))
    assert CALLS == ["n", "n"]


def test_a_new_run_does_not_carry_the_last_runs_finish_time(tmp_path: Path):
    """A report written during a run showed the previous (interrupted) run's end, earlier than this run's start."""
    from sigil.pipeline.rundir import RunDir

    run_dir = RunDir(tmp_path / "run")
    run_dir.start_manifest(seed=1, source="a.yaml")
    run_dir.update_manifest(status="interrupted", finished="2026-01-01T00:00:00+00:00")
    run_dir.start_manifest(seed=1, source="a.yaml")
    manifest = run_dir.manifest()
    assert manifest["status"] == "running" and "finished" not in manifest
