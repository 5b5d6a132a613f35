"""Test fixtures: a stand-in data stage that publishes given JSONL files, and a tiny pipeline writer."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import Field

sys.path.insert(0, str(Path(__file__).parent))

import sigil  # noqa: E402
from sigil.config import Section  # noqa: E402
from sigil.pipeline.stage import StageContext, StageResult  # noqa: E402
from sigil.plugins import register_plugin, unregister_plugin  # noqa: E402


class FixtureDataOptions(Section):
    train: str = Field(description="train.jsonl to publish")
    validation: str | None = None


class FixtureDataStage:
    """Publishes existing JSONL files as a data stage would (the real data stage is tested elsewhere)."""

    Options = FixtureDataOptions
    config_keys = ()
    version = "1"

    def run(self, ctx: StageContext) -> StageResult:
        shutil.copy(ctx.options.train, ctx.out_dir / "train.jsonl")
        artifacts = {"train": "train.jsonl"}
        if ctx.options.validation:
            shutil.copy(ctx.options.validation, ctx.out_dir / "validation.jsonl")
            artifacts["validation"] = "validation.jsonl"
        return StageResult(artifacts=artifacts)


class FixturePlugin:
    @sigil.hookimpl
    def register_stages(self, register: Any) -> None:
        register("fixture_data", FixtureDataStage)


@pytest.fixture(autouse=True)
def fixture_plugin(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("SIGIL_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "sigil-cache"))
    monkeypatch.setenv("SIGIL_LOAD_PLUGINS", "train")
    name = register_plugin(FixturePlugin(), name="test-fixture-data")
    yield
    unregister_plugin(name)


def write_pipeline(path: Path, train_file: Path, validation: Path | None, stages: list[dict] | None = None,
                   **config: Any) -> Path:
    """A pipeline YAML: the fixture data stage, then ``stages`` (default: one sft stage)."""
    data_options = {"train": str(train_file)}
    if validation:
        data_options["validation"] = str(validation)
    base = {
        "model_name": "sigil-tiny:llama",
        "max_seq_len": 128,
        "misc": {"output_dir": str(path.parent / "run"), "seed": 7},
        "train": {"adapter": "lora", "max_steps": 4, "micro_batch_size": 2, "grad_accum": 1, "lr": 1e-3,
                  "log_every": 1, "eval_every": 2, "save_every": 2, "dataloader_num_workers": 0,
                  "tokenize_workers": 1},
        "stages": [{"name": "data", "type": "fixture_data", "options": data_options}]
        + (stages or [{"name": "sft", "type": "sft", "inputs": {"dataset": "data"}}]),
    }
    for key, value in config.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(base, sort_keys=False))
    return path
