"""Drop files that are too short to teach anything or too long to fit a training window."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sigil.data.records import Drop, Record


@dataclass
class LengthFilter:
    """Keeps records whose ``content`` has between ``min_length`` and ``max_length`` characters (inclusive)."""

    min_length: int
    max_length: int
    name: str = "length"
    scope: Literal["record", "corpus"] = "record"

    def apply(self, records: list[Record]) -> list[Record | Drop]:
        verdicts: list[Record | Drop] = []
        for record in records:
            size = len(record.content)
            if size < self.min_length:
                verdicts.append(Drop("too short"))
            elif size > self.max_length:
                verdicts.append(Drop("too long"))
            else:
                verdicts.append(record)
        return verdicts
