"""Filters that judge a file by where it lives: vendored code and build output, examples, benches.

Paths are compared component by component after normalising ``\\`` to ``/``, so ``src/examples_util.rs`` is
not an example and ``crates/foo/examples/demo.rs`` is. Where the crate a file belongs to is known (directory
sources record the nearest directory with a ``Cargo.toml`` in ``meta["crate"]``), paths are judged relative to
it. A directory below ``src/`` is a module, whatever its name: ``r-efi/src/vendor/`` is a public module and
``cc/src/target/`` a module about compile targets, not vendored code or build output. Records without a path
(instruct data) always pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sigil.data.records import Drop, Record

#: Directories that hold build artefacts when found inside ``target/`` (anywhere, for paths whose crate is unknown).
_TARGET_CHILDREN = frozenset({"debug", "release", "build", "doc", "tmp", "package", "criterion"})


def directories(path: str) -> list[str]:
    """The directory components of a record path (the file name excluded)."""
    parts = [part for part in path.replace("\\", "/").split("/") if part not in ("", ".")]
    return parts[:-1]


def file_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def crate_directories(record: Record) -> list[str]:
    """The directory components of the record's path relative to its crate (the whole path when unknown)."""
    parts = directories(record.path or "")
    crate = record.meta.get("crate")
    if crate:
        prefix = directories(f"{crate}/x")
        if parts[: len(prefix)] == prefix:
            return parts[len(prefix) :]
    return parts


def outside_src(parts: list[str], names: frozenset[str]) -> bool:
    """True when a directory named one of ``names`` appears before any ``src`` component (not a module)."""
    for part in parts:
        if part == "src":
            return False
        if part in names:
            return True
    return False


@dataclass
class VendorFilter:
    """Drops vendored dependencies, build output and lock files: code the project did not write."""

    vendor_dirs: frozenset[str] = frozenset({"vendor", "vendored", "third_party", "third-party", "node_modules"})
    name: str = "vendor"
    scope: Literal["record", "corpus"] = "record"

    def apply(self, records: list[Record]) -> list[Record | Drop]:
        return [self._judge(record) for record in records]

    def _judge(self, record: Record) -> Record | Drop:
        if record.path is None:
            return record
        parts = crate_directories(record)
        if outside_src(parts, self.vendor_dirs):
            return Drop("vendored path", record.path)
        if ".cargo" in parts or (parts[:1] == ["target"]) or any(
            part == "target" and following in _TARGET_CHILDREN for part, following in zip(parts, parts[1:])
        ):
            return Drop("build output path", record.path)
        if file_name(record.path).endswith(".lock"):
            return Drop("lock file", record.path)
        return record


@dataclass
class DirectoryFilter:
    """Drops files under a crate's ``examples/`` or ``benches/`` (any directory called one of ``names`` that is
    not a module below ``src/``)."""

    name: str
    names: frozenset[str]
    reason: str
    scope: Literal["record", "corpus"] = "record"

    def apply(self, records: list[Record]) -> list[Record | Drop]:
        verdicts: list[Record | Drop] = []
        for record in records:
            if record.path is not None and outside_src(crate_directories(record), self.names):
                verdicts.append(Drop(self.reason, record.path))
            else:
                verdicts.append(record)
        return verdicts
