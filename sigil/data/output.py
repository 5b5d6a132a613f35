"""The filtered dataset as the training stage reads it: JSON Lines, one record a line, written atomically.

Each line: ``{"id": str, "source": str, "path": str | null, "task": "code" | "instruct", "content": str,
"prompt": str | null}``; ``content`` is the code, or the completion of an instruct record. A file the length
filter split (``meta["chunks"]``) becomes one line per piece, with ids ``<id>-0``, ``<id>-1``, ...

``dropped.jsonl`` lists every dropped input: ``{"source", "path", "id", "filter", "reason", "detail"}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sigil.data.records import Record
from sigil.io import write_jsonl


def record_line(record: Record) -> dict[str, Any]:
    return {
        "id": record.id,
        "source": record.source,
        "path": record.path,
        "task": record.task,
        "content": record.content,
        "prompt": record.prompt,
    }


def record_lines(record: Record) -> list[dict[str, Any]]:
    """The lines of one record: one, or one per piece of a split file."""
    line = record_line(record)
    chunks = record.meta.get("chunks")
    if not chunks:
        return [line]
    return [{**line, "id": f"{record.id}-{index}", "content": chunk} for index, chunk in enumerate(chunks)]


def write_records(path: Path, records: Iterable[Record]) -> int:
    """Write ``records`` to ``path`` atomically; return how many lines were written."""
    return write_jsonl(path, (line for record in records for line in record_lines(record)))


def write_dropped(path: Path, dropped: Iterable[tuple[Record, str, str, str]]) -> int:
    """Write ``(record, filter, reason, detail)`` rows to ``path`` atomically; return how many were written."""
    return write_jsonl(
        path,
        ({"source": record.source, "path": record.path, "id": record.id, "filter": filter_name, "reason": reason,
          "detail": detail} for record, filter_name, reason, detail in dropped),
    )
