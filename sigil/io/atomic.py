"""Atomic file writes: write a temporary file beside the target, fsync, rename. Readers never see half a file.

Also: a set of files written together (:func:`staged_files`) and the check that an output can be written at all
(:func:`check_writable`), made before any expensive work.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sigil.errors import SigilError


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO[Any]]:
    """Open a temporary file for writing; on success it replaces ``path``, on error it is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_writer(path, "wb") as handle:
        handle.write(data)


def atomic_write_text(path: str | Path, text: str) -> None:
    with atomic_writer(path, "w") as handle:
        handle.write(text)


def atomic_write_json(path: str | Path, data: Any, sort_keys: bool = True) -> None:
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=sort_keys, default=str) + "\n")


@contextlib.contextmanager
def staged_files(directory: str | Path) -> Iterator[Path]:
    """A staging directory inside ``directory`` for a set of files written together.

    Write every file into the yielded directory; when the block succeeds each one is renamed into
    ``directory`` (renames need no space, so a full disk cannot stop half-way through the set), and when it
    fails (a full disk, Ctrl-C) the staging directory is removed and ``directory`` holds its old files.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=directory))
    try:
        yield staging
        for item in sorted(staging.iterdir()):
            os.replace(item, directory / item.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def check_writable(path: str | Path, what: str) -> None:
    """Fail before any work when ``path`` (a file or directory to be created or replaced) cannot be written:
    its nearest existing ancestor must be a writable directory. ``what`` names the setting in the error."""
    path = Path(path)
    ancestor = path
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if ancestor != path and not ancestor.is_dir():
        raise SigilError(f"{what}: cannot create {path}: {ancestor} is a file, not a directory")
    writable = ancestor if ancestor.is_dir() else ancestor.parent
    if not os.access(writable, os.W_OK | os.X_OK):
        raise SigilError(f"{what}: cannot write to {writable}: permission denied or read-only")
