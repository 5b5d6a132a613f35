"""Drop files with markers of unfinished or careless code.

Each marker is looked for where it means something: TODO/FIXME/XXX/HACK in comments, ``todo!()`` and
``unimplemented!()`` in code, ``dbg!`` anywhere in code, ``println!``-family prints in files that have no
``fn main`` (prints in a binary's main are its output, not debugging), ``unsafe`` blocks/functions/impls in
code and ``#[allow(...)]`` / ``#![allow(...)]`` attributes. A ``TODO`` inside a string literal, or the word
``unsafe`` in a doc comment, does not count: code is searched on the masked source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from sigil.data.records import Drop, Record
from sigil.data.rust.lexer import mask

_TODO_COMMENT = re.compile(r"\b(?:TODO|FIXME|XXX|HACK)\b")
_TODO_MACRO = re.compile(r"\b(?:todo|unimplemented)\s*!\s*[(\[{]")
_DBG = re.compile(r"\bdbg\s*!\s*[(\[{]")
_PRINT = re.compile(r"\b(?:e?println|e?print)\s*!\s*[(\[{]")
_MAIN = re.compile(r"\bfn\s+main\s*\(")
_UNSAFE = re.compile(r"(?<![\w#])unsafe\b")
_ALLOW = re.compile(r"#\s*!?\s*\[\s*allow\s*\(")


def low_quality_reason(content: str) -> str | None:
    """The first low-quality marker found in a Rust source, as a reason string, or None."""
    masked = mask(content)
    code = masked.code
    if _TODO_MACRO.search(code) or _TODO_COMMENT.search(masked.comment_text(content)):
        return "TODO/FIXME marker"
    if _DBG.search(code) or (_PRINT.search(code) and not _MAIN.search(code)):
        return "debug print"
    if _UNSAFE.search(code):
        return "unsafe code"
    if _ALLOW.search(code):
        return "#[allow] attribute"
    return None


@dataclass
class LowQualityFilter:
    """Drops records whose content has a low-quality marker (see the module docstring)."""

    name: str = "low_quality"
    scope: Literal["record", "corpus"] = "record"

    def apply(self, records: list[Record]) -> list[Record | Drop]:
        verdicts: list[Record | Drop] = []
        for record in records:
            reason = low_quality_reason(record.content)
            verdicts.append(record if reason is None else Drop(reason))
        return verdicts
