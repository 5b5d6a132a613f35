"""Built-in plugin: the problem suites every sigil install has, registered through the public hook."""

from __future__ import annotations

from pathlib import Path

from sigil.hookspecs import Register, hookimpl

SUITES_DIR = Path(__file__).parent / "suites"

#: name → file under SUITES_DIR.
BUILTIN_SUITES = {
    "sigil-basic": "sigil_basic.jsonl",
    "rust-practical-train": "rust_practical_train.jsonl",
    "rust-practical-eval": "rust_practical_eval.jsonl",
}


@hookimpl
def register_suites(register: Register) -> None:
    """``sigil-basic``: 46 std-only problems written for sigil (34 assert-main, 7 unit-test, 5 stdin/stdout).

    ``rust-practical-train`` (83) and ``rust-practical-eval`` (42): real-world-style std-only tasks (parsing,
    text, collections, numeric, types and errors, state machines, stdin/stdout programs), one pool split
    by category so both have every kind; RSFT prompts and held-out evaluation, sharing no task text.
    """
    for name, file in BUILTIN_SUITES.items():
        register(name, SUITES_DIR / file)
