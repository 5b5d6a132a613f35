"""Questions the data filters ask about Rust source, answered by the native analysis in ``sigil_evaluator``.

One tree-sitter parse per file (the parser the scorer uses) gives the file without its test code and the facts
the filters read: ``code_chars`` (non-whitespace characters outside comments), ``test_items``, ``bench_fns``,
``unsafe_code``, ``todo_comments``, ``todo_macros``, ``debug_prints``, ``allow_attributes``, ``has_main``,
``generated_marker``, ``foreign_items``, ``declaration_chars``, ``body_chars``, ``literal_chars``, ``parsed``.
Nothing here reads Rust with regular expressions: a ``TODO`` in a string, ``unsafe`` in a doc comment or a
``}`` in ``"}"`` never counts.

Facts are computed once per record and kept in ``record.meta["facts"]``; a filter that rewrites a record's
content replaces them with the facts of the new content.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sigil.data.records import Record
from sigil.errors import DataError


def native() -> Any:
    """The ``sigil_evaluator`` module, or a one-line DataError saying how to install it."""
    try:
        import sigil_evaluator
    except ImportError:
        raise DataError("the data filters need the native analysis: pip install ./evaluator-rs (sigil-evaluator)") from None
    if not hasattr(sigil_evaluator, "analyze_rust"):
        raise DataError("the installed sigil_evaluator has no analyze_rust(); install the version that ships with sigil")
    return sigil_evaluator


def analyze(sources: list[str], *, strip_tests: bool = False, threads: int | None = 1) -> list[dict[str, Any]]:
    """Facts about each source; with ``strip_tests`` also the source without its test code (``content``, None
    when nothing was removed), ``removed_tests``, ``only_tests``, ``parsed_before`` and ``parses_after``."""
    results: list[dict[str, Any]] = native().analyze_rust(sources, strip_tests=strip_tests, threads=threads)
    if len(results) != len(sources):
        raise DataError(f"sigil_evaluator.analyze_rust returned {len(results)} results for {len(sources)} sources")
    return results


def split(source: str, max_chars: int) -> list[str]:
    """``source`` cut at top-level item boundaries into pieces of at most ``max_chars`` characters (an item
    longer than that stays whole); each item keeps its doc comments and attributes."""
    pieces: list[str] = native().split_rust(source, max_chars)
    return pieces


def with_facts(records: list[Record], threads: int | None = 1) -> list[Record]:
    """The records with ``meta["facts"]`` filled in (one native call for all that lack it)."""
    missing = [index for index, record in enumerate(records) if "facts" not in record.meta]
    if not missing:
        return records
    found = analyze([records[index].content for index in missing], threads=threads)
    result = list(records)
    for index, facts in zip(missing, found):
        result[index] = dataclasses.replace(records[index], meta={**records[index].meta, "facts": facts})
    return result
