"""The records of a data-stage split, each checked for the fields training reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sigil.errors import DataError
from sigil.io import read_jsonl_numbered


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """Records of a data-stage split in file order; a bad one is a DataError naming file and line."""
    for number, record in read_jsonl_numbered(path):
        yield check_record(record, f"{path}:{number}")


def check_record(record: dict[str, Any], where: str) -> dict[str, Any]:
    """``record`` if its ``content``/``prompt``/``task`` are usable, else a DataError starting with ``where``."""
    content = record.get("content")
    if not isinstance(content, str):
        raise DataError(f"{where}: field 'content' must be a string")
    prompt = record.get("prompt")
    if prompt is not None and not isinstance(prompt, str):
        raise DataError(f"{where}: field 'prompt' must be a string or null")
    task = record.get("task", "instruct" if prompt is not None else "code")
    if task not in ("code", "instruct"):
        raise DataError(f"{where}: field 'task' must be 'code' or 'instruct', not {task!r}")
    if task == "instruct" and prompt is None:
        raise DataError(f"{where}: task 'instruct' needs a 'prompt'")
    return record
