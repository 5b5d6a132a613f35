"""Hub datasets go through the real datasets.load_dataset, here on a local dataset directory (offline)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sigil.data.config import DatasetConfig
from sigil.data.sources import read_source
from sigil.data.sources.hub import load_arguments
from sigil.errors import DataError

datasets = pytest.importorskip("datasets")


@pytest.fixture
def local_dataset(tmp_path: Path) -> Path:
    directory = tmp_path / "my-dataset"
    directory.mkdir()
    (directory / "train.jsonl").write_text(
        "".join(json.dumps({"code": f"fn f{i}() {{}}", "file": f"src/f{i}.rs"}) + "\n" for i in range(3))
    )
    (directory / "test.jsonl").write_text(json.dumps({"code": "fn t() {}", "file": "t.rs"}) + "\n")
    return directory


@pytest.mark.slow
def test_cached_and_streaming_with_split_and_columns(local_dataset: Path, tmp_path: Path) -> None:
    columns = {"content": "code", "path": "file"}
    cache = tmp_path / "cache"
    config = DatasetConfig(split="test", columns=columns, cache_dir=str(cache))
    (record,) = read_source(f"hf:{local_dataset}", config)
    assert (record.content, record.path, record.source) == ("fn t() {}", "t.rs", f"hf:{local_dataset}")
    assert any(cache.iterdir())  # the prepared dataset landed in dataset.cache_dir

    streamed = list(read_source(f"hub:{local_dataset}", DatasetConfig(columns=columns, streaming=True)))
    assert [r.path for r in streamed] == ["src/f0.rs", "src/f1.rs", "src/f2.rs"]


def test_load_arguments_apply_cache_settings(tmp_path: Path) -> None:
    assert load_arguments(DatasetConfig()) == {"split": "train", "streaming": False}
    arguments = load_arguments(DatasetConfig(use_cache=False, cache_dir=str(tmp_path), split="validation"))
    assert arguments == {"split": "validation", "streaming": False, "cache_dir": str(tmp_path),
                         "download_mode": "force_redownload"}
    assert "download_mode" not in load_arguments(DatasetConfig(use_cache=False, streaming=True))


def test_load_errors_are_one_line(local_dataset: Path) -> None:
    with pytest.raises(DataError, match=r"hf:.*my-dataset: cannot load dataset .*: ValueError") as error:
        list(read_source(f"hf:{local_dataset}", DatasetConfig(split="nonexistent")))
    assert "\n" not in str(error.value)


def test_missing_datasets_package_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "datasets", None)
    with pytest.raises(DataError, match=r"org/name: hub datasets need the `datasets` package: pip install 'sigil\[hub\]'"):
        list(read_source("org/name", DatasetConfig()))
