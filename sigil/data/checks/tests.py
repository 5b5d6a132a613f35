"""Test code: strip it out of library files, drop files that are nothing else.

Test code teaches assertions, not library design, but a library file with a test module at its end is still
library code: dropping it (the reference's behaviour) threw away 82% library text on real crates. So by default
test items are **stripped** on the syntax tree (:mod:`sigil.data.rust`): ``#[cfg(test)]`` items (inline
``mod tests { .. }``, out-of-line ``mod tests;``, test-only ``use``/``impl``/``fn``), ``#[test]``-like and
``#[bench]`` functions, each with its doc comments and attributes. The stripped file is parsed again; a file
that parsed before and would not after is dropped (``stripping broke the parse``), never written.

Dropped: files under a ``tests/`` directory or named ``tests.rs``/``test.rs``, inputs of compile-fail and UI
test harnesses (``compile-fail/``, ``compile_fail/``, ``trybuild/``: deliberately broken code), and files that
are only test code (``#![cfg(test)]``, or nothing left after stripping).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from sigil.data.checks.paths import directories, file_name
from sigil.data.records import Drop, Record
from sigil.data.rust import analyze

#: Directories of deliberately non-compiling test inputs, wherever they are.
FAIL_INPUT_DIRS = frozenset({"compile-fail", "compile_fail", "trybuild"})


@dataclass
class TestsFilter:
    """``drop`` (``exclude_tests``): drop test files and test-harness inputs by path. ``strip``
    (``strip_test_modules``): cut test items out of every other file. With ``drop`` and not ``strip`` (the
    reference's behaviour) a file with any test item is dropped whole (``test code``)."""

    drop: bool = True
    strip: bool = True
    threads: int | None = 1
    name: str = "tests"
    scope: Literal["record", "corpus"] = "record"

    def apply(self, records: list[Record]) -> list[Record | Drop]:
        verdicts: list[Record | Drop] = []
        todo: list[int] = []
        for record in records:
            verdict = self._by_path(record)
            if verdict is None:
                todo.append(len(verdicts))
                verdicts.append(record)
            else:
                verdicts.append(verdict)
        found = analyze([records[index].content for index in todo], strip_tests=self.strip, threads=self.threads)
        for index, facts in zip(todo, found):
            verdicts[index] = self._by_content(records[index], facts)
        return verdicts

    def _by_path(self, record: Record) -> Drop | None:
        if not self.drop or record.path is None:
            return None
        parts = directories(record.path)
        if any(part in FAIL_INPUT_DIRS for part in parts):
            return Drop("compile-fail test input", record.path)
        if "tests" in parts or file_name(record.path) in ("tests.rs", "test.rs"):
            return Drop("tests path", record.path)
        return None

    def _by_content(self, record: Record, facts: dict) -> Record | Drop:
        content = facts.pop("content", None)
        removed = facts.pop("removed_tests", 0)
        if self.strip:
            if facts.pop("only_tests", False):
                return Drop("only test code", f"{removed} test items, nothing else")
            parsed_before, parses_after = facts.pop("parsed_before", True), facts.pop("parses_after", True)
            if parsed_before and not parses_after:
                return Drop("stripping broke the parse", f"{removed} test items removed")
            if content is not None:
                meta = {**record.meta, "facts": facts, "stripped_test_items": removed}
                return dataclasses.replace(record, content=content, meta=meta)
            return dataclasses.replace(record, meta={**record.meta, "facts": facts})
        if self.drop and facts["test_items"]:
            return Drop("test code", f"{facts['test_items']} test items")
        return dataclasses.replace(record, meta={**record.meta, "facts": facts})
