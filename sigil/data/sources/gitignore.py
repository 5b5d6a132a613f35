"""``.gitignore`` matching for directory sources, with ``pathspec``'s implementation of gitignore(5).

``pathspec.GitIgnoreSpec`` matches the patterns of one ``.gitignore`` the way git does (negation, anchoring,
``**``, directory-only patterns, escapes, the last matching pattern wins). What git adds on top, and this module
does: a ``.gitignore`` applies to paths below its own directory, matched relative to it, and a deeper file's
patterns come after its parents', so they win. A file inside an excluded directory is never seen, because the
walker does not enter excluded directories (as git does not).
"""

from __future__ import annotations

from pathlib import Path

import pathspec


class IgnoreRules:
    """The patterns of one or more ``.gitignore`` files (and extra patterns), each with its directory."""

    def __init__(self, specs: tuple[tuple[str, pathspec.GitIgnoreSpec], ...] = ()) -> None:
        self.specs = specs

    def extended(self, lines: list[str], base: str) -> IgnoreRules:
        """A copy with the patterns of one more ``.gitignore`` (in directory ``base``, "" for the root) added."""
        spec = pathspec.GitIgnoreSpec.from_lines(lines)
        if not any(pattern.include is not None for pattern in spec.patterns):
            return self
        return IgnoreRules((*self.specs, (base, spec)))

    def extended_from_file(self, path: Path, base: str) -> IgnoreRules:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return self
        return self.extended(text.splitlines(), base)

    def ignored(self, relative: str, is_dir: bool) -> bool:
        """Whether the path (relative to the walk root, ``/``-separated) is ignored: the verdict of the last
        ``.gitignore`` (deepest last) with a pattern that matches it."""
        result = False
        for base, spec in self.specs:
            if base:
                if not relative.startswith(base + "/"):
                    continue
                candidate = relative[len(base) + 1 :]
            else:
                candidate = relative
            check = spec.check_file(candidate + "/" if is_dir else candidate)
            if check.include is not None:
                result = check.include
        return result
