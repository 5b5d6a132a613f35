"""Drop (or strip) test code: files under ``tests/``, ``#[cfg(test)]`` items, ``#[test]`` functions."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from sigil.data.checks.paths import directories, file_name
from sigil.data.records import Drop, Record
from sigil.data.rust.lexer import mask
from sigil.data.rust.test_code import has_cfg_test, has_test_attribute, strip_test_items


@dataclass
class TestsFilter:
    """Test code teaches assertions, not library design.

    With ``drop`` (``exclude_tests``) a file is dropped when it lives under a ``tests/`` directory (or is a
    ``tests.rs``/``test.rs`` module file), or its code has a ``#[cfg(test)]`` item or a ``#[test]`` function.
    With ``strip`` (``strip_test_modules``) the ``#[cfg(test)]`` items are cut out first and the rest of the file
    is kept (rewritten); a file left with nothing but whitespace is dropped, and with ``drop`` also a file that
    still has a ``#[test]`` function outside any ``#[cfg(test)]`` item.
    """

    drop: bool = True
    strip: bool = False
    name: str = "tests"
    scope: Literal["record", "corpus"] = "record"

    def apply(self, records: list[Record]) -> list[Record | Drop]:
        return [self._judge(record) for record in records]

    def _judge(self, record: Record) -> Record | Drop:
        if self.drop and record.path is not None:
            if "tests" in directories(record.path) or file_name(record.path) in ("tests.rs", "test.rs"):
                return Drop("tests path")
        if self.strip:
            stripped, removed = strip_test_items(record.content)
            if removed:
                if not stripped.strip():
                    return Drop("only test code")
                meta = {**record.meta, "stripped_test_items": removed}
                record = dataclasses.replace(record, content=stripped, meta=meta)
        if self.drop:
            code = mask(record.content).code
            if has_cfg_test(record.content, code):
                return Drop("#[cfg(test)] code")
            if has_test_attribute(record.content, code):
                return Drop("#[test] function")
        return record
