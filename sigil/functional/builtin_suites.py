"""Built-in plugin: the problem suites every sigil install has, registered through the public hook."""

from __future__ import annotations

from pathlib import Path

from sigil.hookspecs import Register, hookimpl

SUITES_DIR = Path(__file__).parent / "suites"


@hookimpl
def register_suites(register: Register) -> None:
    """``sigil-basic``: 46 std-only problems written for sigil (34 assert-main, 7 unit-test, 5 stdin/stdout)."""
    register("sigil-basic", SUITES_DIR / "sigil_basic.jsonl")
