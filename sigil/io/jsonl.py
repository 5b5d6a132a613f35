"""JSON Lines: reading with errors that name file and line, appending whole lines only."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sigil.errors import DataError


def read_jsonl(path: str | Path, *, skip_bad_lines: bool = False, bad_lines: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """Yield each line's JSON object. A malformed line is a DataError naming file and line number, or, with
    ``skip_bad_lines``, is skipped and described in ``bad_lines``."""
    for _, record in read_jsonl_numbered(path, skip_bad_lines=skip_bad_lines, bad_lines=bad_lines):
        yield record


def read_jsonl_numbered(
    path: str | Path, *, skip_bad_lines: bool = False, bad_lines: list[str] | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Like :func:`read_jsonl`, with each object's line number."""
    path = Path(path)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, expected a JSONL file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
                if not isinstance(record, dict):
                    raise ValueError(f"expected an object, got {type(record).__name__}")
            except UnicodeDecodeError as exc:
                problem = f"not UTF-8 (byte {exc.start})"
            except ValueError as exc:
                problem = str(exc).splitlines()[0]
            else:
                yield number, record
                continue
            message = f"{path}:{number}: malformed JSON line: {problem}"
            if not skip_bad_lines:
                raise DataError(message)
            if bad_lines is not None:
                bad_lines.append(message)


def append_jsonl_line(path: str | Path, record: dict[str, Any]) -> None:
    """Append one record as one line with a single O_APPEND write, so the file is always valid JSONL."""
    line = (json.dumps(_finite(record), default=str, allow_nan=False) + "\n").encode("utf-8")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def _finite(value: Any) -> Any:
    # NaN and infinity are not JSON: a diverged loss is written as null rather than breaking the file.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value
