"""Filters that judge a file by where it lives: vendored and build output, examples, benches.

Paths are compared component by component after normalising ``\\`` to ``/``, so ``src/examples_util.rs`` is
not an example and ``crates/foo/examples/demo.rs`` is. Records without a path (instruct data) always pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sigil.data.records import Drop, Record
from sigil.data.rust.test_code import has_bench_attribute


def directories(path: str) -> list[str]:
    """The directory components of a record path (the file name excluded)."""
    parts = [part for part in path.replace("\\", "/").split("/") if part not in ("", ".")]
    return parts[:-1]


def file_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


@dataclass
class VendorFilter:
    """Drops vendored dependencies, build output and lock files: code the project did not write."""

    vendor_dirs: frozenset[str] = frozenset({"vendor", "vendored", "third_party", "third-party", "node_modules"})
    build_dirs: frozenset[str] = frozenset({"target", ".cargo"})
    name: str = "vendor"
    scope: Literal["record", "corpus"] = "record"

    def apply(self, records: list[Record]) -> list[Record | Drop]:
        verdicts: list[Record | Drop] = []
        for record in records:
            verdicts.append(self._judge(record))
        return verdicts

    def _judge(self, record: Record) -> Record | Drop:
        if record.path is None:
            return record
        parts = directories(record.path)
        if any(part in self.vendor_dirs for part in parts):
            return Drop("vendored path")
        if any(part in self.build_dirs for part in parts):
            return Drop("build output path")
        if file_name(record.path).endswith(".lock"):
            return Drop("lock file")
        return record


@dataclass
class DirectoryFilter:
    """Drops files under any directory called one of ``names`` (``examples/``, ``benches/``)."""

    name: str
    names: frozenset[str]
    reason: str
    #: Also drop files with a ``#[bench]`` function wherever they live (the benches filter).
    bench_attribute: bool = False
    scope: Literal["record", "corpus"] = "record"

    def apply(self, records: list[Record]) -> list[Record | Drop]:
        verdicts: list[Record | Drop] = []
        for record in records:
            if record.path is not None and any(part in self.names for part in directories(record.path)):
                verdicts.append(Drop(self.reason))
            elif self.bench_attribute and has_bench_attribute(record.content):
                verdicts.append(Drop("#[bench] function"))
            else:
                verdicts.append(record)
        return verdicts
