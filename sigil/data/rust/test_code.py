"""Finding test-only code in Rust sources: ``#[cfg(test)]`` items and ``#[test]`` functions.

Everything works on the masked code (:func:`sigil.data.rust.lexer.mask`), so a ``#[cfg(test)]`` inside a string
or a comment is not test code, and braces inside literals or comments do not confuse the brace matching. The
reference system's ``#[cfg\\(test\\)]`` regex was a character class matching any ``#c`` or ``#f``; here the
attribute is parsed: ``#[cfg(test)]``, ``#[cfg(all(test, …))]`` and the inner ``#![cfg(test)]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sigil.data.rust.lexer import mask

# An outer or inner cfg attribute; the predicate is captured up to the closing "]" (masked code has no "]" in
# literals, and a cfg predicate never contains one).
_CFG_ATTRIBUTE = re.compile(r"#\s*(!?)\s*\[\s*cfg\s*\((?P<predicate>[^\]]*)\)\s*\]")
# #[test], #[tokio::test], #[async_std::test], #[test_log::test] and friends, with or without arguments.
_TEST_ATTRIBUTE = re.compile(r"#\s*\[\s*(?:[A-Za-z_]\w*\s*::\s*)*test\s*(?:\(|\])")
_BENCH_ATTRIBUTE = re.compile(r"#\s*\[\s*bench\s*\]")
_OUTER_ATTRIBUTE_START = re.compile(r"#\s*\[")


def _is_test_predicate(predicate: str) -> bool:
    """True for ``test`` and ``all(…, test, …)``: the item exists only when compiling tests."""
    compact = re.sub(r"\s+", "", predicate)
    if compact == "test":
        return True
    if compact.startswith("all(") and compact.endswith(")"):
        return "test" in _top_level_terms(compact[4:-1])
    return False


def _top_level_terms(text: str) -> list[str]:
    terms, depth, current = [], 0, ""
    for char in text:
        if char == "," and depth == 0:
            terms.append(current)
            current = ""
            continue
        depth += char == "("
        depth -= char == ")"
        current += char
    terms.append(current)
    return terms


@dataclass(frozen=True)
class TestItem:
    """One test-only item: offsets of the span to remove (attributes included) and its kind."""

    start: int
    end: int
    kind: str  # "mod", "fn", "impl", "use", ... or "file" for an inner #![cfg(test)]


def find_test_items(source: str) -> list[TestItem]:
    """Every item under ``#[cfg(test)]`` (with its attributes and body), in source order, outermost only."""
    code = mask(source).code
    items: list[TestItem] = []
    for match in _CFG_ATTRIBUTE.finditer(code):
        if not _is_test_predicate(match.group("predicate")):
            continue
        if items and match.start() < items[-1].end:
            continue  # nested inside an item already found
        if match.group(1) == "!":
            items.append(TestItem(0, len(source), "file"))
            break
        start = _attribute_block_start(code, match.start())
        item = _item_after_attributes(code, match.end())
        if item is not None:
            end, kind = item
            items.append(TestItem(start, end, kind))
    return items


def strip_test_items(source: str) -> tuple[str, int]:
    """``source`` without its ``#[cfg(test)]`` items, and how many were removed. Lines left empty by a removal
    are dropped with it; a file that is entirely test code (``#![cfg(test)]``) becomes empty."""
    items = find_test_items(source)
    if not items:
        return source, 0
    pieces, cursor = [], 0
    for item in items:
        start, end = item.start, item.end
        # remove the whole lines the item occupied, not just its characters
        line_start = source.rfind("\n", 0, start) + 1
        if not source[line_start:start].strip():
            start = line_start
        line_end = source.find("\n", end)
        line_end = len(source) if line_end < 0 else line_end + 1
        if not source[end:line_end].strip():
            end = line_end
            # the blank line that separated the item from what precedes it goes too
            previous_line_start = source.rfind("\n", 0, max(start - 1, 0)) + 1
            if start > 0 and not source[previous_line_start:start].strip() and source[end : end + 1] == "\n":
                end += 1
        pieces.append(source[cursor:start])
        cursor = end
    pieces.append(source[cursor:])
    text = "".join(pieces)
    # a removal at the end of a file leaves the blank lines that separated the item from the code above it
    return (text.rstrip() + "\n" if text.strip() else ""), len(items)


def has_test_attribute(source: str, masked_code: str | None = None) -> bool:
    """True when the code (not comments or strings) has a ``#[test]``-style attribute."""
    code = mask(source).code if masked_code is None else masked_code
    return _TEST_ATTRIBUTE.search(code) is not None


def has_bench_attribute(source: str, masked_code: str | None = None) -> bool:
    """True when the code has a ``#[bench]`` attribute (nightly benchmarks)."""
    code = mask(source).code if masked_code is None else masked_code
    return _BENCH_ATTRIBUTE.search(code) is not None


def has_cfg_test(source: str, masked_code: str | None = None) -> bool:
    """True when the code has a ``#[cfg(test)]`` (or ``all(test, …)``, or inner ``#![cfg(test)]``) attribute."""
    code = mask(source).code if masked_code is None else masked_code
    return any(_is_test_predicate(m.group("predicate")) for m in _CFG_ATTRIBUTE.finditer(code))


# --- scanning helpers (all on masked code)


def _attribute_block_start(code: str, attribute_start: int) -> int:
    """Start of the run of outer attributes that ends with the one at ``attribute_start``.

    Attributes written before ``#[cfg(test)]`` (``#[allow(dead_code)]``) belong to the same item.
    """
    start = attribute_start
    while True:
        before = code[:start].rstrip()
        if not before.endswith("]"):
            return start
        open_bracket = _matching_open(code, len(before) - 1)
        if open_bracket is None:
            return start
        hash_pos = code[:open_bracket].rstrip()
        if not hash_pos.endswith("#") or code[len(hash_pos) - 1 : open_bracket].strip("# \t\r\n") != "":
            return start
        if hash_pos.endswith("#!"):
            return start
        start = len(hash_pos) - 1


def _matching_open(code: str, close: int) -> int | None:
    depth = 0
    for k in range(close, -1, -1):
        if code[k] == "]":
            depth += 1
        elif code[k] == "[":
            depth -= 1
            if depth == 0:
                return k
    return None


def _item_after_attributes(code: str, i: int) -> tuple[int, str] | None:
    """``(end, kind)`` of the item that starts after the attribute ending at ``i``, or None if there is none."""
    n = len(code)
    # skip further attributes
    while True:
        while i < n and code[i].isspace():
            i += 1
        match = _OUTER_ATTRIBUTE_START.match(code, i)
        if not match:
            break
        close = matching_bracket(code, match.end() - 1, "[", "]")
        if close is None:
            return None
        i = close + 1
    start = i
    # the item ends at the first ';' or at the brace matching the first '{', outside (), [] and <>-free nesting
    depth = 0
    k = i
    while k < n:
        char = code[k]
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif depth == 0 and char == ";":
            return k + 1, _item_kind(code[start:k])
        elif depth == 0 and char == "{":
            kind = _item_kind(code[start:k])
            close = matching_bracket(code, k, "{", "}")
            if close is None:
                return n, kind
            end = close + 1
            # `const X: T = Foo { .. };` and `static` items end with a ';' after their braces
            if "=" in code[start:k]:
                semicolon = re.match(r"[^;{}]*;", code[end:])
                if semicolon:
                    end += semicolon.end()
            return end, kind
        elif depth == 0 and char == "}":
            return None  # attribute at the end of a block: nothing follows it
        k += 1
    return None


_ITEM_KEYWORD = re.compile(r"\b(mod|fn|impl|use|struct|enum|trait|const|static|type|union|macro_rules|extern)\b")


def _item_kind(header: str) -> str:
    match = _ITEM_KEYWORD.search(header)
    return match.group(1) if match else "item"


def matching_bracket(code: str, open_index: int, opening: str, closing: str) -> int | None:
    """Index of the bracket closing the one at ``open_index`` in masked code (no literals or comments left)."""
    depth = 0
    for k in range(open_index, len(code)):
        if code[k] == opening:
            depth += 1
        elif code[k] == closing:
            depth -= 1
            if depth == 0:
                return k
    return None
