"""``.gitignore`` pattern matching, as git documents it (gitignore(5)).

- blank lines and lines starting with ``#`` are ignored; ``\\#`` and ``\\!`` escape; trailing spaces are dropped
  unless escaped;
- ``!pattern`` re-includes a path excluded by an earlier pattern (but not a file whose parent directory is
  excluded: git never looks inside an excluded directory, and neither does the walker);
- a trailing ``/`` matches directories only;
- a pattern with a ``/`` at the start or in the middle is anchored to the directory of its ``.gitignore``;
  otherwise it matches a name at any depth;
- ``*`` and ``?`` do not match ``/``; ``[...]`` is a character class (``[!...]`` negated); ``**/`` matches any
  number of directories, ``/**`` everything inside, ``/**/`` zero or more directories.

The last matching pattern wins, and patterns in a deeper ``.gitignore`` come after those of its parents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    negated: bool
    directory_only: bool
    #: Directory (relative to the walk root, "" for the root) whose .gitignore holds the pattern.
    base: str
    text: str


def _translate(glob: str) -> str:
    """Regex source for a gitignore glob (already stripped of ``!``, anchoring and trailing ``/``)."""
    out: list[str] = []
    i, n = 0, len(glob)
    while i < n:
        c = glob[i]
        if c == "*":
            if glob.startswith("**", i):
                at_start = i == 0 or glob[i - 1] == "/"
                at_end = i + 2 == n or glob[i + 2] == "/"
                if at_start and at_end:
                    if i + 2 == n:
                        out.append(".*")  # trailing /**: everything inside
                        i += 2
                    else:
                        out.append("(?:.*/)?")  # leading **/ or middle /**/: zero or more directories
                        i += 3
                    continue
            while i < n and glob[i] == "*":
                i += 1
            out.append("[^/]*")
            continue
        if c == "?":
            out.append("[^/]")
        elif c == "[":
            end = i + 1
            if end < n and glob[end] in "!^":
                end += 1
            if end < n and glob[end] == "]":
                end += 1
            while end < n and glob[end] != "]":
                end += 1
            if end >= n:
                out.append(re.escape(c))
            else:
                body = glob[i + 1 : end]
                if body[:1] in ("!", "^"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(glob[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def parse_line(line: str, base: str = "") -> Pattern | None:
    """One ``.gitignore`` line as a pattern, or None for blanks and comments."""
    line = line.rstrip("\n").rstrip("\r")
    # trailing spaces are ignored unless escaped with a backslash
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        stripped += " "
    line = stripped
    if not line or line.startswith("#"):
        return None
    negated = line.startswith("!")
    if negated:
        line = line[1:]
    elif line.startswith("\\!") or line.startswith("\\#"):
        line = line[1:]
    directory_only = line.endswith("/")
    line = line.rstrip("/")
    if not line:
        return None
    anchored = "/" in line
    line = line.lstrip("/")
    body = _translate(line)
    regex = f"^{body}$" if anchored else f"^(?:.*/)?{body}$"
    return Pattern(re.compile(regex, re.DOTALL), negated, directory_only, base, line)


class IgnoreRules:
    """An ordered list of patterns from one or more ``.gitignore`` files (and extra patterns)."""

    def __init__(self, patterns: list[Pattern] | None = None) -> None:
        self.patterns = list(patterns or [])

    def extended(self, lines: list[str], base: str) -> IgnoreRules:
        """A copy with the patterns of one more ``.gitignore`` (in directory ``base``) appended."""
        added = [p for p in (parse_line(line, base) for line in lines) if p is not None]
        return IgnoreRules(self.patterns + added) if added else self

    def extended_from_file(self, path: Path, base: str) -> IgnoreRules:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return self
        return self.extended(text.splitlines(), base)

    def ignored(self, relative: str, is_dir: bool) -> bool:
        """Whether the path (relative to the walk root, ``/``-separated) is ignored."""
        result = False
        for pattern in self.patterns:
            if pattern.directory_only and not is_dir:
                continue
            if pattern.base:
                prefix = pattern.base + "/"
                if not relative.startswith(prefix):
                    continue
                candidate = relative[len(prefix) :]
            else:
                candidate = relative
            if pattern.regex.match(candidate):
                result = not pattern.negated
        return result
