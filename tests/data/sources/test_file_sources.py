"""JSONL, Parquet and source-name dispatch: column mapping, instruct rows, and bad input named precisely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sigil.data.config import DatasetConfig
from sigil.data.records import Record
from sigil.data.sources import read_source
from sigil.errors import DataError


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_jsonl_code_and_instruct_rows(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "data.jsonl",
        [{"content": "fn a() {}", "path": "src/a.rs"}, {"text": "fn b() {}"}, {"prompt": "Write c", "gen": "fn c() {}"}],
    )
    records = list(read_source(f"local:{path}", DatasetConfig()))
    assert [(r.content, r.path, r.prompt, r.task) for r in records] == [
        ("fn a() {}", "src/a.rs", None, "code"),
        ("fn b() {}", None, None, "code"),
        ("fn c() {}", None, "Write c", "instruct"),
    ]
    assert all(r.source == f"local:{path}" for r in records)


def test_column_mapping(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "data.jsonl", [{"code": "fn a() {}", "file": "a.rs"}])
    config = DatasetConfig(columns={"content": "code", "path": "file"})
    (record,) = read_source(str(path), config)
    assert (record.content, record.path) == ("fn a() {}", "a.rs")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"content": "a"}\n{"content": \n', r"data.jsonl:2: malformed JSON line"),
        ('{"content": "a"}\n\n[1, 2]\n', r"data.jsonl:3: malformed JSON line: expected an object, got list"),
        ('{"code": "a"}\n', r"data.jsonl:1: no 'content' or 'text' field.*fields: code.*dataset.columns"),
        ('{"content": 5}\n', r"data.jsonl:1: field 'content' is int, expected a string"),
        ('{"content": "\\ud800"}\n', r"data.jsonl:1: field 'content' holds an unpaired surrogate"),
    ],
)
def test_bad_jsonl_is_one_line_naming_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "data.jsonl").write_text(text)
    with pytest.raises(DataError, match=message) as error:
        list(read_source(f"local:{tmp_path / 'data.jsonl'}", DatasetConfig()))
    assert "\n" not in str(error.value)


def test_non_utf8_jsonl_line(tmp_path: Path) -> None:
    (tmp_path / "data.jsonl").write_bytes(b'{"content": "a"}\n{"content": "\xff"}\n')
    with pytest.raises(DataError, match=r"data.jsonl:2: malformed JSON line: not UTF-8"):
        list(read_source(str(tmp_path / "data.jsonl"), DatasetConfig()))


@pytest.mark.parametrize("name", ["local:{d}/missing.jsonl", "{d}/missing.jsonl", "parquet:{d}/missing.parquet", "dir:{d}/nope"])
def test_missing_files_are_named(tmp_path: Path, name: str) -> None:
    with pytest.raises(DataError, match="no such"):
        list(read_source(name.format(d=tmp_path), DatasetConfig()))


def test_unknown_builtin_corpus() -> None:
    with pytest.raises(DataError, match="unknown built-in corpus; known: tiny-rust"):
        list(read_source("builtin:huge-rust", DatasetConfig()))


def test_parquet_source(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.table({"content": ["fn a() {}", "fn b() {}"], "path": ["a.rs", None]})
    pq.write_table(table, tmp_path / "data.parquet")
    records = list(read_source(str(tmp_path / "data.parquet"), DatasetConfig()))
    assert [(r.content, r.path) for r in records] == [("fn a() {}", "a.rs"), ("fn b() {}", None)]
    (tmp_path / "bad.parquet").write_text("not parquet")
    with pytest.raises(DataError, match="bad.parquet: not a readable Parquet file"):
        list(read_source(f"parquet:{tmp_path / 'bad.parquet'}", DatasetConfig()))


def test_builtin_corpus_is_read_with_relative_paths() -> None:
    records = [r for r in read_source("builtin:tiny-rust", DatasetConfig()) if isinstance(r, Record)]
    assert 150 <= len(records) <= 300
    paths = {r.path for r in records}
    assert "crates/ledger/src/account.rs" in paths
    assert any(p.startswith("vendor/") for p in paths)
