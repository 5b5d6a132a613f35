"""Fixtures for the data-stage tests: records, configs and a small crate tree written on the fly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sigil.config import CoreConfig, validate_config
from sigil.data.records import Record


@pytest.fixture
def record() -> Callable[..., Record]:
    def make(
        content: str,
        path: str | None = "src/lib.rs",
        source: str = "test",
        prompt: str | None = None,
        crate: str | None = None,
    ) -> Record:
        meta = {} if crate is None else {"crate": crate}
        return Record(content=content, source=source, path=path, prompt=prompt, meta=meta)

    return make


@pytest.fixture
def config() -> Callable[..., CoreConfig]:
    """``config(min_length=0, ...)``: a pipeline config with the given dataset keys."""

    def make(**dataset: object) -> CoreConfig:
        return validate_config({"dataset": dataset}, source="test")

    return make


@pytest.fixture
def run_data(tmp_path: Path) -> Callable[..., Path]:
    """Run a one-stage data pipeline in-process through the real CLI; return the stage directory."""
    from sigil.cli import main

    def run(dataset_yaml: str, *extra: str, expect: int = 0, name: str = "run") -> Path:
        pipeline = tmp_path / f"{name}.yaml"
        pipeline.write_text(f"misc: {{output_dir: {tmp_path / name}}}\nstages: [{{name: data, type: data}}]\ndataset:\n{dataset_yaml}\n")
        code = main(["run", str(pipeline), *extra])
        assert code == expect
        return tmp_path / name / "stages" / "data"

    return run
