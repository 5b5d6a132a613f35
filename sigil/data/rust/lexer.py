"""A small Rust lexer that separates code from comments and literals.

Filters look for tokens (``unsafe``, ``#[cfg(test)]``, ``dbg!``) with regular expressions; run on raw text those
match inside comments and string literals. :func:`mask` returns a copy of the source of the same length in which
every comment and every string/char literal body is replaced by spaces (newlines kept, so offsets and line
numbers are unchanged), plus the comment spans, so a filter can search code and comments separately.

It follows the Rust reference's lexical rules for what matters here: nested block comments, escapes in
strings, byte and C strings (``b"…"``, ``c"…"``), raw strings with any number of ``#`` (``r##"…"##``,
``br"…"``), char literals versus lifetimes and labels (``'a'`` vs ``'a``), and raw identifiers (``r#type``).

:func:`mask` runs the native copy in the evaluator wheel (``sigil_evaluator.mask_rust``, several times faster)
when the installed wheel has it; :func:`mask_reference`, below, is the definition both must agree on, and the
fallback for wheels without it and for strings Rust cannot take (lone surrogates).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Masked:
    """A source with comments and literal bodies blanked out."""

    #: Same length as the source; comments and literal contents are spaces (newlines kept).
    code: str
    #: ``(start, end)`` offsets of every comment, doc comments included.
    comments: tuple[tuple[int, int], ...]

    def comment_text(self, source: str) -> str:
        """Every comment of ``source`` joined by newlines."""
        return "\n".join(source[start:end] for start, end in self.comments)


# Where something other than plain code starts. Prefixes must not continue an identifier (the ``r`` of
# ``for"`` is not a raw string); lifetimes and labels (``'a``) match nothing, since a char literal needs its
# closing quote right after one character or escape.
_START = re.compile(
    r"""(?P<line>//[^\n]*)"""
    r"""|(?P<block>/\*)"""
    r"""|(?P<raw>(?<!\w)(?:br|cr|r)(?P<hashes>\#*)")"""
    r"""|(?P<string>(?:(?<!\w)[bc])?"(?:[^"\\]|\\.)*(?:"|\Z))"""
    r"""|(?P<char>(?:(?<!\w)b)?'(?:[^'\\\n]|\\(?:u\{[0-9A-Fa-f_]*\}|x[0-9A-Fa-f]{2}|.))')""",
    re.DOTALL,
)
_NOT_NEWLINE = re.compile(r"[^\n]")


def _blank(text: str) -> str:
    return _NOT_NEWLINE.sub(" ", text)


def _native_masker() -> Callable[[str], tuple[str, list[tuple[int, int]]]] | None:
    try:
        import sigil_evaluator
    except ImportError:
        return None
    return getattr(sigil_evaluator, "mask_rust", None)


_NATIVE_MASK = _native_masker()


@functools.lru_cache(maxsize=1024)
def mask(source: str) -> Masked:
    """Blank out comments and literal bodies; an unterminated comment or literal runs to the end of the file.

    Memoised for a chunk's worth of sources: filters run batch by batch, and several (tests, low quality) mask
    the same files.
    """
    if _NATIVE_MASK is not None:
        try:
            code, comments = _NATIVE_MASK(source)
        except UnicodeEncodeError:  # lone surrogates are not UTF-8: only the reference takes them
            pass
        else:
            return Masked(code, tuple(comments))
    return mask_reference(source)


def mask_reference(source: str) -> Masked:
    """:func:`mask` in Python: one regex search per comment or literal. The native copy must match it exactly."""
    pieces: list[str] = []
    comments: list[tuple[int, int]] = []
    n = len(source)
    cursor = 0  # source[:cursor] is already in pieces
    pos = 0
    while True:
        match = _START.search(source, pos)
        if match is None:
            break
        kind = "raw" if match.group("raw") is not None else match.lastgroup
        assert kind is not None  # every alternative is a named group
        start = match.start()
        if kind == "line":
            end = match.end()
            body_start, body_end = start, end
            comments.append((start, end))
        elif kind == "block":
            end = _block_comment_end(source, start)
            body_start, body_end = start, end
            comments.append((start, end))
        elif kind == "raw":
            closing = '"' + match.group("hashes")
            found = source.find(closing, match.end())
            body_start = match.end()
            body_end, end = (n, n) if found < 0 else (found, found + len(closing))
        else:  # string or char: blank what is between the quotes
            end = match.end()
            text = match.group(kind)
            body_start = start + text.index('"' if kind == "string" else "'") + 1
            body_end = end - 1 if end > body_start and source[end - 1] == text[-1] and text[-1] in "\"'" else end
        pieces.append(source[cursor:body_start])
        pieces.append(_blank(source[body_start:body_end]))
        cursor = body_end
        pos = max(end, start + 1)
    pieces.append(source[cursor:])
    return Masked("".join(pieces), tuple(comments))


def _block_comment_end(source: str, start: int) -> int:
    depth, i, n = 0, start, len(source)
    while i < n:
        pair = source[i : i + 2]
        if pair == "/*":
            depth += 1
            i += 2
        elif pair == "*/":
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return n
