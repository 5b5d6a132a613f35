"""JSON Lines: reading with errors that name file and line, writing whole files atomically, appending whole lines.

Every JSONL file sigil writes goes through :func:`write_jsonl` (a whole file, atomically) or
:func:`append_jsonl_line` (one line, to a log such as ``metrics.jsonl``).
"""

from __future__ import annotations

import errno
import json
import logging
import math
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from sigil.errors import DataError
from sigil.io.atomic import atomic_writer

log = logging.getLogger(__name__)

#: Bytes read at a time while skipping the rest of a line that is longer than allowed.
_SKIP_CHUNK = 1 << 20


def read_jsonl(
    path: str | Path,
    *,
    skip_bad_lines: bool = False,
    bad_lines: list[str] | None = None,
    max_line_bytes: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield each line's JSON object. A malformed line is a DataError naming file and line number, or, with
    ``skip_bad_lines``, is skipped and described in ``bad_lines``."""
    for _, record in read_jsonl_numbered(
        path, skip_bad_lines=skip_bad_lines, bad_lines=bad_lines, max_line_bytes=max_line_bytes
    ):
        yield record


def open_for_reading(path: Path, what: str = "JSONL file") -> IO[bytes]:
    """``path`` opened in binary mode, or a one-line DataError. Devices and sockets are refused before a byte
    is read: ``/dev/zero`` is an endless line, not a file of samples (pipes and FIFOs are fine)."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, expected a {what}") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None
    mode = os.fstat(handle.fileno()).st_mode
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        handle.close()
        kind = "a character device" if stat.S_ISCHR(mode) else "a block device" if stat.S_ISBLK(mode) else "not a regular file"
        raise DataError(f"{path}: is {kind}, expected a {what}")
    return handle


def read_jsonl_numbered(
    path: str | Path,
    *,
    skip_bad_lines: bool = False,
    bad_lines: list[str] | None = None,
    max_line_bytes: int | None = None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Like :func:`read_jsonl`, with each object's line number.

    With ``max_line_bytes`` a longer line is malformed, and it is never held in memory whole: the reader keeps
    at most that many bytes of it.
    """
    path = Path(path)
    with open_for_reading(path) as handle:
        number = 0
        while True:
            raw = handle.readline(max_line_bytes + 1) if max_line_bytes else handle.readline()
            if not raw:
                return
            number += 1
            if max_line_bytes and len(raw) > max_line_bytes and not raw.endswith(b"\n"):
                size = len(raw) + _skip_rest_of_line(handle)
                problem = f"line of {size} bytes is longer than the limit of {max_line_bytes} bytes"
            elif not raw.strip():
                continue
            else:
                try:
                    record = json.loads(raw.decode("utf-8"))
                    if not isinstance(record, dict):
                        raise ValueError(f"expected an object, got {type(record).__name__}")
                except UnicodeDecodeError as exc:
                    problem = f"not UTF-8 (byte {exc.start})"
                except RecursionError:
                    problem = "nested too deeply"
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


def _skip_rest_of_line(handle: IO[bytes]) -> int:
    """Read past the end of the current line in bounded chunks; return how many bytes were skipped."""
    skipped = 0
    while True:
        chunk = handle.readline(_SKIP_CHUNK)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


def write_jsonl(path: str | Path, records: Iterable[dict[str, Any]]) -> int:
    """Write ``records`` as a whole JSONL file, atomically (a reader sees the old file or the new one, never
    half of it); non-finite floats become null. Returns the number of lines written."""
    count = 0
    with atomic_writer(path) as handle:
        for record in records:
            handle.write(json.dumps(_finite(record), ensure_ascii=False, default=str, allow_nan=False) + "\n")
            count += 1
    return count


def append_jsonl_line(path: str | Path, record: dict[str, Any]) -> None:
    """Append one record as one line with a single O_APPEND write, so the file is always valid JSONL.

    A file whose last line was torn (a crash mid-write of an older writer, a full disk) does not end in a
    newline; the record then starts on a fresh line so the torn line does not swallow it.
    """
    line = (json.dumps(_finite(record), default=str, allow_nan=False) + "\n").encode("utf-8")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = b"\n" + line
        if os.write(fd, line) != len(line):  # a short write: the disk is full; the next line starts afresh
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
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
