"""``dir:`` sources: walk a tree of Rust crates and read every ``.rs`` file that git would not ignore.

``.gitignore`` files are honoured at every level (``dataset.use_gitignore``), ``.git`` directories are never
entered, symlinked directories are not followed (no cycles), and ``dataset.excludes`` patterns always apply.
Paths are recorded relative to the walked directory, ``/``-separated, so path filters see ``vendor/…``; the crate
a file belongs to (the nearest directory above it with a ``Cargo.toml``, relative to the walked directory, ``""``
for the root) is recorded in ``meta["crate"]`` for the path rules and the per-crate cap.

A file that is not UTF-8, or cannot be read, is skipped and counted in the statistics (``read: not UTF-8``,
``read: unreadable``): one odd file in a large tree must not stop a run. So is a file too large to be kept by
the length filter (more than 4 bytes per allowed character, or 8 MiB when long files are split), without reading
it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from sigil.data.config import DatasetConfig
from sigil.data.records import Drop, Record
from sigil.data.sources.gitignore import IgnoreRules
from sigil.errors import DataError

SUFFIX = ".rs"


def walk_rust_files(root: Path, excludes: list[str], use_gitignore: bool) -> Iterator[tuple[Path, str | None]]:
    """Every ``.rs`` file under ``root`` not ignored, in a stable (sorted) order, with its crate directory
    (relative to ``root``; None when no ``Cargo.toml`` is above it)."""
    forced = IgnoreRules().extended(excludes, "")
    stack: list[tuple[Path, str, IgnoreRules, str | None]] = [(root, "", IgnoreRules(), None)]
    while stack:
        directory, relative, rules, crate = stack.pop()
        if (directory / "Cargo.toml").is_file():
            crate = relative
        if use_gitignore and (directory / ".gitignore").is_file():
            rules = rules.extended_from_file(directory / ".gitignore", relative)
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError:
            continue
        subdirectories = []
        for entry in entries:
            path = f"{relative}/{entry.name}" if relative else entry.name
            is_dir = entry.is_dir(follow_symlinks=False)
            if is_dir and entry.name == ".git":
                continue
            if rules.ignored(path, is_dir) or forced.ignored(path, is_dir):
                continue
            if is_dir:
                subdirectories.append((Path(entry.path), path, rules, crate))
            elif entry.name.endswith(SUFFIX) and entry.is_file():
                yield Path(entry.path), crate
        stack.extend(reversed(subdirectories))


def read_directory_source(root: Path, config: DatasetConfig, source: str) -> Iterator[Record | Drop]:
    """Yield a record per readable ``.rs`` file under ``root``, and a :class:`Drop` per skipped one."""
    if not root.exists():
        raise DataError(f"{source}: {root}: no such directory")
    if not root.is_dir():
        raise DataError(f"{source}: {root}: not a directory")
    # a file is read only if it can be kept: whole (4 bytes per allowed character at most) or, when long files
    # are split, in pieces (up to 8 MiB: the size of the largest generated bindings files, which are dropped anyway)
    largest = max(8 << 20, 4 * config.max_length) if config.split_long_files else 4 * config.max_length
    for path, crate in walk_rust_files(root, config.excludes, config.use_gitignore):
        relative = path.relative_to(root).as_posix()
        try:
            if path.stat().st_size > largest:
                yield Drop("too large to read", relative)
                continue
            data = path.read_bytes()
        except OSError:
            yield Drop("unreadable", relative)
            continue
        try:
            content = data.decode("utf-8")
        except UnicodeDecodeError:
            yield Drop("not UTF-8", relative)
            continue
        meta = {} if crate is None else {"crate": crate}
        yield Record(content=content.removeprefix("\ufeff"), source=source, path=relative, meta=meta)
