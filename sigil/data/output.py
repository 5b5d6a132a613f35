"""The filtered dataset as the training stage reads it: JSON Lines, one record a line, written atomically.

Each line: ``{"id": str, "source": str, "path": str | null, "task": "code" | "instruct", "content": str,
"prompt": str | null}``; ``content`` is the code, or the completion of an instruct record.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sigil.data.records import Record
from sigil.io import atomic_writer


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
    count = 0
    with atomic_writer(path) as handle:
        for record in records:
            handle.write(json.dumps(record_line(record), ensure_ascii=False) + "\n")
            count += 1
    return count
