"""``local:`` / ``*.jsonl`` sources: one JSON object per line; a malformed line is an error naming its number."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sigil.data.config import ColumnMap
from sigil.data.records import Drop, Record
from sigil.data.sources.columns import row_to_record
from sigil.errors import DataError
from sigil.io import read_jsonl_numbered


def read_jsonl_source(path: Path, columns: ColumnMap, source: str) -> Iterator[Record | Drop]:
    """Yield one record per non-blank line of a JSON Lines file."""
    if path.is_dir():
        raise DataError(f"{source}: {path}: is a directory (use dir:{path} for a tree of .rs files)")
    for number, row in read_jsonl_numbered(path):
        yield row_to_record(row, columns, source, f"{path}:{number}")
