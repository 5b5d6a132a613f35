"""Damaged run state (#11 items 12, 14): one-line errors, no silent loss of history, nothing half-written."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from sigil import hookimpl
from sigil.cli import main
from sigil.config import Section, load_config
from sigil.pipeline import StageContext, StageResult
from sigil.pipeline.runner import run_pipeline

CALLS: list[str] = []


class NoteOptions(Section):
    text: str = "x"


class NoteStage:
    Options = NoteOptions
    config_keys = ()
    version = "1"

    def run(self, ctx: StageContext) -> StageResult:
        CALLS.append(ctx.name)
        (ctx.out_dir / "note.txt").write_text(ctx.options.text)
        return StageResult(artifacts={"note": "note.txt"}, metrics={"chars": len(ctx.options.text)})


class Stages:
    @hookimpl
    def register_stages(self, register):
        register("note", NoteStage)


@pytest.fixture
def pipeline(plugin, write_yaml, tmp_path):
    plugin(Stages(), name="note-stages")
    CALLS.clear()
    path = write_yaml(
        f"misc: {{output_dir: {tmp_path / 'run'}}}\n"
        "stages:\n  - {name: a, type: note}\n  - {name: b, type: note, options: {text: yy}}\n"
    )

    def run(*overrides: str) -> dict:
        return run_pipeline(load_config(path, overrides), str(path))

    return run


@pytest.mark.parametrize("damage", [b'{"stages": {"a": {"type": "no', b"[]", b'{"stages": []}', b'{"stages": {"a": 3}}',
                                    b'{"a":' * 50_000])
def test_damaged_manifest_is_kept_aside_and_rebuilt_from_the_stages(damage, pipeline, tmp_path, caplog):
    """A truncated manifest.json was silently replaced by an empty history (or, of the wrong shape, crashed)."""
    pipeline()
    run_dir = tmp_path / "run"
    before = json.loads((run_dir / "manifest.json").read_text())["stages"]
    (run_dir / "manifest.json").write_bytes(damage)
    CALLS.clear()
    with caplog.at_level(logging.WARNING):
        pipeline()
    assert CALLS == []  # the completed stages are still reused
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["status"] == "completed"
    assert manifest["stages"] == before  # the history is whole again: every field of every completed stage
    aside = list(run_dir.glob("manifest.json.damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == damage
    assert "rebuilt from the 2 completed stage(s)" in caplog.text


@pytest.mark.parametrize("damage", [b"[]", b'{"type": "note"}', b'{"type": "note", "fingerprint": 7}', b"{tru"])
def test_damaged_stage_record_reruns_that_stage(damage, pipeline, tmp_path, caplog):
    pipeline()
    (tmp_path / "run" / "stages" / "a" / "stage.json").write_bytes(damage)
    CALLS.clear()
    with caplog.at_level(logging.WARNING):
        outputs = pipeline()
    assert CALLS == ["a"]  # a runs again to the same fingerprint, so b is still up to date
    assert outputs["a"].artifact("note").read_text() == "x"
    assert "stage.json: damaged (not a stage record): stage a counts as not completed" in caplog.text


def test_output_dir_that_is_a_file_is_one_line(plugin, write_yaml, tmp_path, capsys):
    plugin(Stages(), name="note-stages")
    (tmp_path / "taken").write_text("keep\n")
    for output_dir in ("taken", "taken/below"):
        path = write_yaml(f"misc: {{output_dir: {tmp_path / output_dir}}}\nstages: [{{name: a, type: note}}]\n")
        assert main(["run", str(path)]) == 1
        err = capsys.readouterr().err
        assert err.startswith("error: misc.output_dir: ") and err.count("\n") == 1, err
    assert (tmp_path / "taken").read_text() == "keep\n"


def test_metrics_log_survives_a_torn_line(tmp_path, caplog):
    """A torn last line of metrics.jsonl swallowed the next record appended to it."""
    from sigil.io import append_jsonl_line
    from sigil.observe.metrics_jsonl import read_metrics

    path = tmp_path / "metrics.jsonl"
    append_jsonl_line(path, {"step": 1})
    with path.open("a") as handle:
        handle.write('{"step": 2, "lo')  # a writer killed mid-line
    append_jsonl_line(path, {"step": 3})
    with caplog.at_level(logging.WARNING):
        assert [record["step"] for record in read_metrics(path)] == [1, 3]
    assert "metrics.jsonl:2: malformed JSON line" in caplog.text


def _tiny_filesystem(path: Path, size: str) -> None:
    import subprocess

    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")


def test_disk_full_while_writing_results_is_one_line_and_keeps_the_old_files(tmp_path, capsys):
    import subprocess

    disk = tmp_path / "disk"
    _tiny_filesystem(disk, "256k")
    try:
        small, big = tmp_path / "small.jsonl", tmp_path / "big.jsonl"
        # not programs (no fn main): the pre-filter sets them aside, so no compiler is needed to fill the disk
        small.write_text(json.dumps({"prompt": "p", "gen": "x" * 100}) + "\n")
        big.write_text("".join(json.dumps({"prompt": f"p{i}", "gen": "y" * 4000}) + "\n" for i in range(200)))
        out = disk / "out"
        assert main(["eval", str(small), "--output", str(out), "--no-cache"]) == 0
        before = {p.name: p.read_bytes() for p in out.iterdir()}
        assert main(["eval", str(big), "--output", str(out), "--no-cache"]) == 1
        err = capsys.readouterr().err
        assert err.endswith("cannot write the evaluation results: No space left on device\n"), err
        assert err.count("\n") == 1
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # nothing half-written, no staging left
    finally:
        subprocess.run(["umount", str(disk)], check=False)


@pytest.mark.parametrize("damage", [b"[]", b'{"stages": []}', b'{"stages": {"a": 3}}', b'{"a":' * 50_000, b"{tru"])
def test_report_of_a_damaged_manifest_is_one_line(damage, tmp_path, capsys):
    """`sigil report` only reads: a manifest of the wrong shape is one line that says how to recover."""
    (tmp_path / "manifest.json").write_bytes(damage)
    assert main(["report", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {tmp_path / 'manifest.json'}: ") and err.count("\n") == 1, err
