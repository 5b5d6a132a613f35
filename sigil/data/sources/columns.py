"""Turning a source's row (a JSON object, a Parquet or hub row) into a :class:`Record` via ``dataset.columns``."""

from __future__ import annotations

from typing import Any

from sigil.data.config import ColumnMap
from sigil.data.records import Record
from sigil.errors import DataError


def row_to_record(row: dict[str, Any], columns: ColumnMap, source: str, where: str) -> Record:
    """A record from one row: instruct when the row has both the prompt and the gen column, else code from the
    content column (or the text column when content is absent). ``where`` names the row in errors."""
    prompt, gen = row.get(columns.prompt), row.get(columns.gen)
    if prompt is not None and gen is not None:
        return Record(
            content=_text(gen, columns.gen, where),
            prompt=_text(prompt, columns.prompt, where),
            path=_optional_text(row.get(columns.path), columns.path, where),
            source=source,
        )
    content = row.get(columns.content)
    column = columns.content
    if content is None:
        content, column = row.get(columns.text), columns.text
    if content is None:
        fields = ", ".join(sorted(map(str, row))) or "none"
        raise DataError(
            f"{where}: no {columns.content!r} or {columns.text!r} field, nor {columns.prompt!r} with "
            f"{columns.gen!r} (fields: {fields}); map them with dataset.columns"
        )
    return Record(
        content=_text(content, column, where),
        path=_optional_text(row.get(columns.path), columns.path, where),
        source=source,
    )


def _text(value: Any, column: str, where: str) -> str:
    if not isinstance(value, str):
        raise DataError(f"{where}: field {column!r} is {type(value).__name__}, expected a string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # JSON "\ud800" escapes decode to lone surrogates, which are not text
        raise DataError(f"{where}: field {column!r} holds an unpaired surrogate, not valid Unicode text") from None
    return value


def _optional_text(value: Any, column: str, where: str) -> str | None:
    return None if value is None else _text(value, column, where)
