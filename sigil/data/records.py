"""The unit of training data: one Rust file, or one prompt with its completion."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass
class Record:
    """One training example as the data stage reads, filters and writes it.

    ``content`` is Rust source: a whole file for raw-code training, or the completion for instruct data
    (``prompt`` set). ``source`` names where it came from (the entry of ``dataset.names``).
    """

    content: str
    source: str
    path: str | None = None
    prompt: str | None = None
    id: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def task(self) -> Literal["code", "instruct"]:
        return "instruct" if self.prompt is not None else "code"


@dataclass(frozen=True)
class Drop:
    """A filter's verdict that a record is dropped, with the reason reported in the statistics and, for
    ``dropped.jsonl``, what in the file made the decision (``detail``: a marker, a count, a share)."""

    reason: str
    detail: str = ""
