"""Finding a suite by registered name or by path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sigil.errors import SigilError
from sigil.functional.problems import Suite, load_suite
from sigil.plugins import Kind, registry


def resolve_suite(spec: str) -> Suite:
    """The suite registered as ``spec`` (through ``register_suites``) or the suite file at path ``spec``.

    A registered component is a path to a JSONL file, or a callable returning a :class:`Suite`.
    """
    if Path(spec).is_file():
        return load_suite(spec)
    suites = registry(SUITES)
    if spec not in suites:
        raise SigilError(f"suite {spec!r}: not a file, and {suites.unknown_message(spec)}")
    component = suites.get(spec)
    if callable(component):
        loaded = component()
        if not isinstance(loaded, Suite):
            raise SigilError(f"suite {spec!r}: its loader returned {type(loaded).__name__}, not a Suite")
        return loaded
    return load_suite(component, name=spec)


#: What ``register_suites`` may register besides a path.
SuiteLoader = Callable[[], Suite]

#: ``registry(SUITES)``: each suite's file, or a loader.
SUITES: Kind[str | Path | SuiteLoader] = Kind("suites")
