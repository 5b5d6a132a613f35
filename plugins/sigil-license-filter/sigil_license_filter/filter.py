"""The filter itself: a record-scope sigil filter, so it runs in sigil's worker processes (it is picklable)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sigil import Drop, Record
from sigil_license_filter.spdx import allowed_by, find_license


@dataclass
class LicenseFilter:
    """Drops files whose declared licence is not allowed (and, with ``require_header``, files with none)."""

    allowed: list[str]
    require_header: bool = False
    header_lines: int = 20
    name: str = "license"
    scope: Literal["record", "corpus"] = "record"

    def apply(self, records: list[Record]) -> list[Record | Drop]:
        verdicts: list[Record | Drop] = []
        for record in records:
            expression = find_license(record.content, self.header_lines)
            if expression is None:
                verdicts.append(Drop("no licence header") if self.require_header else record)
            elif allowed_by(expression, self.allowed):
                verdicts.append(record)
            else:
                verdicts.append(Drop(f"licence not allowed: {expression}"))
        return verdicts
