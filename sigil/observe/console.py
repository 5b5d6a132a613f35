"""Console logging: one concise line per event on stderr."""

from __future__ import annotations

import logging
import sys


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (test runners and progress bars swap it)."""

    @property  # type: ignore[override]
    def stream(self):  # noqa: ANN201
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


def configure_logging(verbose: bool = False) -> None:
    """Log sigil's messages at INFO (DEBUG with ``verbose``) to stderr, once."""
    root = logging.getLogger("sigil")
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    if not any(isinstance(handler, _CurrentStderr) for handler in root.handlers):
        handler = _CurrentStderr()
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%H:%M:%S"))
        root.addHandler(handler)
    root.propagate = False
