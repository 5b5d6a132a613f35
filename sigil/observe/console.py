"""Console logging: one concise line per event on stderr."""

from __future__ import annotations

import logging
import sys


def configure_logging(verbose: bool = False) -> None:
    level = logging.DEBUG if verbose else logging.INFO
    root = logging.getLogger("sigil")
    root.setLevel(level)
    if not any(getattr(handler, "_sigil", False) for handler in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%H:%M:%S"))
        handler._sigil = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.propagate = False
