"""A real sigil run logged by W&B in offline mode, checked by reading the run file W&B writes."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

os.environ["SIGIL_LOAD_PLUGINS"] = ""  # hermetic: the plugin is registered by the fixture below, not by entry point
os.environ["WANDB_SILENT"] = "true"

import pytest  # noqa: E402
from sigil_wandb import plugin  # noqa: E402

from sigil.cli import main  # noqa: E402
from sigil.plugins import register_plugin, unregister_plugin  # noqa: E402

GOOD = "/// Adds two numbers.\nfn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n\nfn main() {\n    println!(\"{}\", add(1, 2));\n}\n"
BAD = 'fn main() {\n    let x: i32 = "s";\n    println!("{}", x);\n}\n'


@pytest.fixture
def registered():
    name = register_plugin(plugin, name="wandb-test")
    yield
    unregister_plugin(name)


def wandb_records(path: Path):
    """The protobuf records of a ``.wandb`` file: W&B's LevelDB-style log (7-byte header, 32 KiB blocks of
    checksum/length/type-framed chunks). W&B ships no reader for it any more, so the test reads it itself."""
    from wandb.proto import wandb_internal_pb2

    data = path.read_bytes()
    assert data[:4] == b":W&B"
    position, pending = 7, b""
    while position + 7 <= len(data):
        left = 32768 - position % 32768
        if left < 7:
            position += left
            continue
        _, length, kind = struct.unpack("<IHB", data[position:position + 7])
        if length == 0 and kind == 0:  # block padding
            position += left
            continue
        chunk = data[position + 7:position + 7 + length]
        position += 7 + length
        if kind == 2:
            pending = chunk
            continue
        if kind == 3:
            pending += chunk
            continue
        record = wandb_internal_pb2.Record()
        record.ParseFromString(pending + chunk if kind == 4 else chunk)
        yield record


def key(item) -> str:
    """A history or summary key: W&B stores ``a/b`` as the nested key ``[a, b]``."""
    return item.key or "/".join(item.nested_key)


def read_run(run_dir: Path) -> dict:
    import wandb

    wandb.teardown()  # W&B's service process writes the run file; it has flushed it once it is shut down
    [path] = run_dir.glob("wandb/offline-run-*/run-*.wandb")
    found: dict = {"history": [], "summary": {}, "artifacts": [], "config": {}, "exit": None}
    for record in wandb_records(path):
        kind = record.WhichOneof("record_type")
        if kind == "run":
            found["project"], found["name"] = record.run.project, record.run.display_name
            found["config"].update({item.key: json.loads(item.value_json) for item in record.run.config.update})
        elif kind == "history":
            found["history"].append({key(item): json.loads(item.value_json) for item in record.history.item})
        elif kind == "summary":
            found["summary"].update({key(item): json.loads(item.value_json) for item in record.summary.update})
        elif kind == "artifact":
            found["artifacts"].append((record.artifact.name, record.artifact.type,
                                       [(entry.path, entry.ref) for entry in record.artifact.manifest.contents]))
        elif kind == "exit":
            found["exit"] = record.exit.exit_code
    return found


def test_run_logged_offline(registered, tmp_path):
    samples = tmp_path / "samples.jsonl"
    samples.write_text("".join(json.dumps({"prompt": p, "gen": g}) + "\n" for p, g in (("add", GOOD), ("bad", BAD))))
    run_dir = tmp_path / "run"
    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text(
        f"misc: {{output_dir: {run_dir}}}\n"
        "wandb: {project: sigil-test, mode: offline, tags: [ci]}\n"
        "eval: {scorers: [compile, clippy], cache_dir: null}\n"
        f"stages:\n  - {{name: judge, type: evaluate, options: {{samples: {samples}}}}}\n"
        "  - {name: summary, type: report}\n"
    )
    assert main(["run", str(pipeline)]) == 0
    found = read_run(run_dir)

    assert (found["project"], found["name"]) == ("sigil-test", "run")
    assert found["config"]["wandb"]["project"] == "sigil-test" and found["config"]["eval"]["scorers"] == ["compile", "clippy"]
    # every metric the evaluate stage logged, under its stage name; the real evaluator judged one of two
    logged = {key: value for entry in found["history"] for key, value in entry.items() if key.startswith("judge/")}
    metrics_jsonl = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    judged = [line for line in metrics_jsonl if line["stage"] == "judge"]
    assert judged and all(logged[f"judge/{k}"] == v for line in judged for k, v in line.items()
                          if isinstance(v, (int, float)) and not isinstance(v, bool) and k not in ("time", "step"))
    assert logged["judge/compile_rate"] == 0.5
    # stage results and the report's key figures in the summary
    assert found["summary"]["judge/status"] == "completed" and found["summary"]["judge/compile_rate"] == 0.5
    assert found["summary"]["key/compile_rate"] == 0.5 and found["summary"]["key/total_samples"] == 2
    assert found["summary"]["status"] == "completed" and found["exit"] == 0
    # artifacts by reference: the committed report file, not an upload
    report = run_dir / "stages" / "summary" / "report.md"
    assert ("summary-report", "report", [("report.md", report.resolve().as_uri())]) in found["artifacts"]


def test_rounds_are_steps_of_their_stage(registered, tmp_path):
    """An RSFT-like stage logs per round: each value lands with its stage and round."""
    from sigil.plugins import hook

    run_dir = tmp_path / "run"
    relay = hook()
    relay.on_run_start(run_dir=str(run_dir), config={"wandb": {"project": "p", "mode": "offline"}})
    for round_, rate in ((1, 0.25), (2, 0.5)):
        relay.on_metrics(run_dir=str(run_dir), stage="rsft", step=round_,
                         metrics={"compile_rate": rate, "pass_at_k": {"1": rate / 2}, "note": "text", "ok": True})
    relay.on_run_end(run_dir=str(run_dir), status="failed")
    found = read_run(run_dir)
    rows = [{k: v for k, v in entry.items() if k.startswith("rsft/")} for entry in found["history"]]
    assert [row for row in rows if row] == [
        {"rsft/compile_rate": 0.25, "rsft/pass_at_k/1": 0.125, "rsft/step": 1},
        {"rsft/compile_rate": 0.5, "rsft/pass_at_k/1": 0.25, "rsft/step": 2},
    ]
    assert found["exit"] == 1 and found["summary"]["status"] == "failed"


def test_no_project_logs_nothing(registered, tmp_path):
    from sigil.plugins import hook

    run_dir = tmp_path / "run"
    hook().on_run_start(run_dir=str(run_dir), config={"wandb": {"project": None}})
    hook().on_metrics(run_dir=str(run_dir), stage="s", step=1, metrics={"x": 1.0})
    hook().on_run_end(run_dir=str(run_dir), status="completed")
    assert not (run_dir / "wandb").exists()


def test_unknown_key_is_an_error(registered, tmp_path, capsys):
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text("wandb: {projet: x}\nstages: [{name: summary, type: report}]\n")
    assert main(["validate", str(pipeline)]) != 0
    assert "wandb.projet" in capsys.readouterr().err
