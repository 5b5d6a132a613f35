"""Finding a file's licence and deciding whether an allow-list permits it.

A file's licence is its ``SPDX-License-Identifier:`` expression when it has one (the REUSE convention), else
the licence named by a well-known notice (``Licensed under the Apache License, Version 2.0``). Expressions
follow the SPDX grammar: ``A OR B`` needs either, ``A AND B`` needs both, ``A WITH exception`` needs ``A``,
parentheses group, ``+`` (or-later) and a trailing ``-or-later``/``-only`` are compared by the base id.
"""

from __future__ import annotations

import re

_IDENTIFIER = re.compile(r"SPDX-License-Identifier:\s*(?P<expression>[^\n*]+?)\s*(?:\*/)?\s*$", re.MULTILINE)
_NOTICES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Licensed under the Apache License,? Version 2\.0", re.IGNORECASE), "Apache-2.0"),
    (re.compile(r"Permission is hereby granted, free of charge", re.IGNORECASE), "MIT"),
    (re.compile(r"GNU Affero General Public License", re.IGNORECASE), "AGPL-3.0"),
    (re.compile(r"GNU Lesser General Public License", re.IGNORECASE), "LGPL-3.0"),
    (re.compile(r"GNU General Public License", re.IGNORECASE), "GPL-3.0"),
    (re.compile(r"Mozilla Public License,? v(?:ersion)?\.? ?2\.0", re.IGNORECASE), "MPL-2.0"),
    (re.compile(r"This is free and unencumbered software released into the public domain", re.IGNORECASE), "Unlicense"),
)
_TOKEN = re.compile(r"\(|\)|[A-Za-z0-9.+:-]+")


def normalise_id(spdx_id: str) -> str:
    """Compare licences by base id, case-insensitively: ``GPL-3.0-or-later`` and ``GPL-3.0+`` are ``gpl-3.0``."""
    text = spdx_id.strip().lower().removesuffix("+")
    for suffix in ("-or-later", "-only"):
        text = text.removesuffix(suffix)
    return text


def find_license(content: str, header_lines: int = 20) -> str | None:
    """The licence expression declared in the first ``header_lines`` lines, or None."""
    header = "\n".join(content.splitlines()[:header_lines])
    match = _IDENTIFIER.search(header)
    if match:
        return match.group("expression").strip()
    for pattern, spdx_id in _NOTICES:
        if pattern.search(header):
            return spdx_id
    return None


def allowed_by(expression: str, allowed: list[str]) -> bool:
    """Whether an SPDX expression is satisfiable with the ``allowed`` ids. A malformed expression is not."""
    permitted = {normalise_id(spdx_id) for spdx_id in allowed}
    tokens = _TOKEN.findall(expression)
    try:
        value, rest = _or(tokens, permitted)
    except (IndexError, ValueError):
        return False
    return value and not rest


def _or(tokens: list[str], permitted: set[str]) -> tuple[bool, list[str]]:
    value, tokens = _and(tokens, permitted)
    while tokens and tokens[0].upper() == "OR":
        right, tokens = _and(tokens[1:], permitted)
        value = value or right
    return value, tokens


def _and(tokens: list[str], permitted: set[str]) -> tuple[bool, list[str]]:
    value, tokens = _term(tokens, permitted)
    while tokens and tokens[0].upper() == "AND":
        right, tokens = _term(tokens[1:], permitted)
        value = value and right
    return value, tokens


def _term(tokens: list[str], permitted: set[str]) -> tuple[bool, list[str]]:
    head = tokens[0]
    if head == "(":
        value, rest = _or(tokens[1:], permitted)
        if not rest or rest[0] != ")":
            raise ValueError("unbalanced parentheses")
        tokens = rest[1:]
    elif head in (")",) or head.upper() in ("AND", "OR", "WITH"):
        raise ValueError(f"unexpected {head!r}")
    else:
        value, tokens = normalise_id(head) in permitted, tokens[1:]
    if tokens and tokens[0].upper() == "WITH":  # an exception only widens what the licence permits
        tokens = tokens[2:] if len(tokens) > 1 else []
    return value, tokens
