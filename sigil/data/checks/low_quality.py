"""Markers of unfinished or careless code, each one an opt-in reason to drop a file.

Read from the syntax tree (:mod:`sigil.data.rust`), outside test code:

- ``debug_print``: ``dbg!`` anywhere, and ``print!``/``println!`` calls in a file without a top-level ``fn main``
  (a binary's prints are its output; a build script's ``println!("cargo:..")`` lines talk to Cargo;
  ``eprintln!`` is how a library reports a fatal condition);
- ``todo_macro``: ``todo!()`` or ``unimplemented!()`` calls: code that panics where it should work;
- ``todo_comment``: ``TODO``/``FIXME``/``XXX``/``HACK`` in comments;
- ``unsafe``: ``unsafe`` blocks, functions, impls and traits;
- ``allow``: ``#[allow(..)]`` / ``#![allow(..)]`` attributes.

Judged file by file on real crates, only the first is a reason a Rust engineer would drop a file for by default:
``unimplemented!()`` marks impossible match arms in mature crates (``h2``, ``clap_derive``, ``ppv-lite86``), TODO
notes sit in mature code, ``unsafe`` is how ``memchr`` and ``hashbrown`` are written, and ``#[allow]`` is how a
careful crate documents a lint it decided against (docs/data.md has the measurements). The others stay available
as opt-in filters and as features of the idiomatic score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sigil.data.records import Drop, Record
from sigil.data.rust import with_facts

#: marker name -> (fact counted, reason reported)
MARKERS: dict[str, tuple[str, str]] = {
    "debug_print": ("debug_prints", "debug print"),
    "todo_macro": ("todo_macros", "todo!/unimplemented! call"),
    "todo_comment": ("todo_comments", "TODO/FIXME comment"),
    "unsafe": ("unsafe_code", "unsafe code"),
    "allow": ("allow_attributes", "#[allow] attribute"),
}
DEFAULT_MARKERS = ("debug_print",)


@dataclass
class LowQualityFilter:
    """Drops records that carry one of ``markers`` (names of :data:`MARKERS`), checked in that order."""

    markers: tuple[str, ...] = DEFAULT_MARKERS
    name: str = "low_quality"
    scope: Literal["record", "corpus"] = "record"

    def apply(self, records: list[Record]) -> list[Record | Drop]:
        verdicts: list[Record | Drop] = []
        for record in with_facts(records):
            facts = record.meta["facts"]
            verdict: Record | Drop = record
            for marker in self.markers:
                fact, reason = MARKERS[marker]
                if facts[fact]:
                    verdict = Drop(reason, f"{facts[fact]} {fact.replace('_', ' ')}")
                    break
            verdicts.append(verdict)
        return verdicts
