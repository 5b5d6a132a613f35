"""The built-in metric loggers: metrics.jsonl always, TensorBoard scalars when tensorboard is installed."""

import json
import math

import pytest

from sigil.io import append_jsonl_line
from sigil.plugins import hook


def test_jsonl_lines_stay_valid_json(tmp_path):
    path = tmp_path / "metrics.jsonl"
    append_jsonl_line(path, {"loss": math.nan, "nested": {"x": math.inf}, "ok": 1})
    append_jsonl_line(path, {"text": "line\nbreak"})
    lines = path.read_text().splitlines()
    assert [json.loads(line) for line in lines] == [{"loss": None, "nested": {"x": None}, "ok": 1}, {"text": "line\nbreak"}]


def test_tensorboard_scalars(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    run_dir, logs = tmp_path / "run", tmp_path / "tb"
    relay = hook()
    relay.on_run_start(run_dir=str(run_dir), config={"misc": {"logging_dir": str(logs)}})
    for step, loss in enumerate([3.0, 2.5, 2.0], start=1):
        relay.on_metrics(run_dir=str(run_dir), stage="sft1", step=step, metrics={"loss": loss, "note": "text"})
    relay.on_run_end(run_dir=str(run_dir), status="completed")
    events = EventAccumulator(str(logs))
    events.Reload()
    assert events.Tags()["scalars"] == ["sft1/loss"]
    assert [(e.step, e.value) for e in events.Scalars("sft1/loss")] == [(1, 3.0), (2, 2.5), (3, 2.0)]
    assert json.loads((run_dir / "metrics.jsonl").read_text().splitlines()[-1])["loss"] == 2.0
