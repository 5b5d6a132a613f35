"""Reading and writing files safely: atomic writes, JSONL with line-numbered errors."""

from sigil.io.atomic import (
    atomic_write_bytes,
    atomic_write_json,
    atomic_write_text,
    atomic_writer,
    check_writable,
    staged_files,
)
from sigil.io.jsonl import append_jsonl_line, open_for_reading, read_jsonl, read_jsonl_numbered, write_jsonl

__all__ = [
    "append_jsonl_line",
    "atomic_write_bytes",
    "atomic_write_json",
    "atomic_write_text",
    "atomic_writer",
    "check_writable",
    "open_for_reading",
    "read_jsonl",
    "read_jsonl_numbered",
    "staged_files",
    "write_jsonl",
]
