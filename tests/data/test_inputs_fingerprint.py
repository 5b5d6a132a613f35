"""A changed source file re-runs the data stage even when the config is unchanged."""

import json
import os

from sigil.config import load_config
from sigil.pipeline.runner import run_pipeline

RUST = "/// Doubles.\npub fn double(x: i32) -> i32 {\n    x * 2\n}\n" * 3


def test_changed_source_file_reruns_data_stage(write_yaml, tmp_path):
    source = tmp_path / "data.jsonl"
    source.write_text(json.dumps({"content": RUST, "path": "src/a.rs"}) + "\n")
    path = write_yaml(
        f"misc: {{output_dir: {tmp_path / 'run'}}}\nstages: [{{name: data, type: data}}]\n"
        f"dataset: {{names: ['local:{source}'], validation_split: 0.0, dedup: none, min_length: 10}}\n"
    )
    first = run_pipeline(load_config(path), str(path))["data"]
    again = run_pipeline(load_config(path), str(path))["data"]
    assert again.fingerprint == first.fingerprint
    source.write_text(source.read_text() + json.dumps({"content": RUST + "// more\n", "path": "src/b.rs"}) + "\n")
    os.utime(source, ns=(1, 1))  # a different mtime even within the same clock tick
    changed = run_pipeline(load_config(path), str(path))["data"]
    assert changed.fingerprint != first.fingerprint
    assert len(changed.artifact("train").read_text().splitlines()) == 2
