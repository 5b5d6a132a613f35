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


def tensorboard_scalars(logs) -> dict[str, list[tuple[int, float]]]:
    """tag → [(step, value)] of every event file under ``logs``, read as TFRecords (8-byte length, its CRC,
    the record, its CRC) of tensorboardX's ``Event`` protos."""
    import struct

    from tensorboardX.proto.event_pb2 import Event

    scalars: dict[str, list[tuple[int, float]]] = {}
    for path in sorted(logs.glob("events.out.tfevents.*")):
        data, position = path.read_bytes(), 0
        while position < len(data):
            (length,) = struct.unpack("<Q", data[position:position + 8])
            event = Event.FromString(data[position + 12:position + 12 + length])
            position += 12 + length + 4
            for value in event.summary.value:
                scalars.setdefault(value.tag, []).append((event.step, value.simple_value))
    return scalars


def test_tensorboard_scalars(tmp_path):
    pytest.importorskip("tensorboardX")
    run_dir, logs = tmp_path / "run", tmp_path / "tb"
    relay = hook()
    relay.on_run_start(run_dir=str(run_dir), config={"misc": {"logging_dir": str(logs)}})
    for step, loss in enumerate([3.0, 2.5, 2.0], start=1):
        relay.on_metrics(run_dir=str(run_dir), stage="sft1", step=step, metrics={"loss": loss, "note": "text"})
    relay.on_run_end(run_dir=str(run_dir), status="completed")
    assert tensorboard_scalars(logs) == {"sft1/loss": [(1, 3.0), (2, 2.5), (3, 2.0)]}
    assert json.loads((run_dir / "metrics.jsonl").read_text().splitlines()[-1])["loss"] == 2.0


def test_tensorboard_writer_does_not_import_torch(tmp_path):
    """A data- or evaluation-only run stays fast: writing scalars loads tensorboardX without torch."""
    import subprocess
    import sys

    pytest.importorskip("tensorboardX")
    code = (
        "import sys\n"
        "from sigil.observe import tensorboard\n"
        f"tensorboard.on_metrics(run_dir={str(tmp_path)!r}, stage='s', step=1, metrics={{'x': 1.0}})\n"
        f"tensorboard.on_run_end(run_dir={str(tmp_path)!r}, status='completed')\n"
        "print('torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
    assert tensorboard_scalars(tmp_path / "logs") == {"s/x": [(1, 1.0)]}
