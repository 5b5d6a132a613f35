"""The filtered dataset as the training stage reads it: JSON Lines, one record a line, written atomically.

Each line: ``{"id": str, "source": str, "path": str | null, "task": "code" | "instruct", "content": str,
"prompt": str | null}``; ``content`` is the code, or the completion of an instruct record.
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


def write_records(path: Path, records: Iterable[Record]) -> int:
    """Write ``records`` to ``path`` atomically; return how many were written."""
    return write_jsonl(path, (record_line(record) for record in records))
