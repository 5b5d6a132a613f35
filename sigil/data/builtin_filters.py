"""Built-in plugin: the data filters every sigil install has (placeholder: the data-stage work replaces it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sigil.config.schema import CoreConfig
from sigil.data.records import Drop, Record
from sigil.hookspecs import Register, hookimpl


@dataclass
class LengthFilter:
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


@hookimpl(tryfirst=True)
def register_filters(register: Register) -> None:
    register("length", lambda config: LengthFilter(config.dataset.min_length, config.dataset.max_length))
