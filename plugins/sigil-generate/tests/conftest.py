"""Fixtures: hermetic plugin loading, a private cache, a stand-in data stage and a tiny model."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

# Before sigil.plugins loads anything: only this plugin and the training plugin (tiny models, the trainer).
os.environ["SIGIL_LOAD_PLUGINS"] = "generate,train"

import pytest  # noqa: E402
import yaml  # noqa: E402
from pydantic import Field  # noqa: E402

import sigil  # noqa: E402
from sigil.config import Section  # noqa: E402
from sigil.pipeline.stage import StageContext, StageResult  # noqa: E402
from sigil.plugins import register_plugin, unregister_plugin  # noqa: E402

RUST_TEXTS = [
    "/// Add one.\nfn add_one(x: i64) -> i64 {\n    x + 1\n}\n\nfn main() {\n    println!(\"{}\", add_one(2));\n}\n",
    "/// Sum of squares.\nfn sum_of_squares(v: &[i64]) -> i64 {\n    v.iter().map(|x| x * x).sum()\n}\n",
    "fn main() {\n    let words = vec![\"a\", \"b\"];\n    for w in &words {\n        println!(\"{w}\");\n    }\n}\n",
]


class FixtureDataOptions(Section):
    train: str = Field(description="train.jsonl to publish")


class FixtureDataStage:
    """Publishes an existing JSONL file as the data stage would (the real data stage is tested in the core)."""

    Options = FixtureDataOptions
    config_keys = ()
    version = "1"

    def run(self, ctx: StageContext) -> StageResult:
        shutil.copy(ctx.options.train, ctx.out_dir / "train.jsonl")
        return StageResult(artifacts={"train": "train.jsonl"})


class FixturePlugin:
    @sigil.hookimpl
    def register_stages(self, register: Any) -> None:
        register("fixture_data", FixtureDataStage)


@pytest.fixture(autouse=True)
def hermetic(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("SIGIL_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "sigil-cache"))
    name = register_plugin(FixturePlugin(), name="test-fixture-data")
    yield
    unregister_plugin(name)


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A tiny random Llama with a tokenizer trained on a little Rust, built by the training plugin."""
    from sigil.tiny import build_tiny_model, parse_spec

    return build_tiny_model(parse_spec("sigil-tiny:llama"), RUST_TEXTS * 10, tmp_path_factory.mktemp("tiny"))


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A small training split in the data stage's format."""
    rows = [
        {"id": f"r{i}", "source": "test", "path": f"src/f{i}.rs", "task": "code", "content": text, "prompt": None}
        for i, text in enumerate(RUST_TEXTS * 4)
    ]
    return write_jsonl(tmp_path / "corpus" / "train.jsonl", rows)


@pytest.fixture
def prompts_file(tmp_path) -> Path:
    rows = [
        {"id": "add", "prompt": "Write a Rust function that adds one to a number."},
        {"id": "sum", "prompt": "Write a Rust function that sums a slice.", "stop": ["\n\n\n"]},
        {"id": "hello", "prompt": "Write hello world in Rust."},
    ]
    return write_jsonl(tmp_path / "prompts.jsonl", rows)


def write_pipeline(path: Path, stages: list[dict], **config: Any) -> Path:
    """A pipeline YAML over the tiny model with fast generation settings; ``config`` merges into the top."""
    base: dict[str, Any] = {
        "model_name": "sigil-tiny:llama",
        "max_seq_len": 256,
        "misc": {"output_dir": str(path.parent / "run"), "seed": 7},
        "generate": {"max_new_tokens": 16, "batch_size": 4, "n": 2},
        "stages": stages,
    }
    for key, value in config.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    path.write_text(yaml.safe_dump(base, sort_keys=False))
    return path
