"""``local:`` / ``*.jsonl`` sources: one JSON object per line; a malformed line is an error naming its number."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from sigil.data.config import ColumnMap
from sigil.data.records import Drop, Record
from sigil.data.sources.columns import row_to_record
from sigil.errors import DataError


def read_jsonl_source(path: Path, columns: ColumnMap, source: str) -> Iterator[Record | Drop]:
    """Yield one record per non-blank line of a JSON Lines file."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise DataError(f"{source}: {path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{source}: {path}: is a directory (use dir:{path} for a tree of .rs files)") from None
    except OSError as exc:
        raise DataError(f"{source}: {path}: cannot read: {exc.strerror}") from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            where = f"{path}:{number}"
            try:
                row = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise DataError(f"{where}: malformed JSON line: not UTF-8 (byte {exc.start})") from None
            except ValueError as exc:
                raise DataError(f"{where}: malformed JSON line: {str(exc).splitlines()[0]}") from None
            if not isinstance(row, dict):
                raise DataError(f"{where}: malformed JSON line: expected an object, got {type(row).__name__}")
            yield row_to_record(row, columns, source, where)
