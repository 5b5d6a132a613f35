"""An optional cap on the share of the kept characters any one crate may have.

On a registry sample without it, ``libc`` alone was 29% of the kept files: one crate's idiom would dominate
what the model learns. With ``max_crate_share: s`` the kept text of every crate is cut to a budget ``B`` chosen
so that ``B <= s x`` (the total kept after capping): files of a crate are kept in source order while they fit
its budget, the rest are dropped (``crate cap``). Records whose crate is unknown (no ``meta["crate"]``: JSONL
and hub sources) are never capped. Corpus scope: it needs every survivor.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from sigil.data.records import Drop, Record


def crate_budget(sizes: list[int], share: float, uncapped: int = 0) -> float:
    """The largest per-crate budget B with ``B <= share * (sum(min(size, B)) + uncapped)`` (inf when nothing needs
    capping); ``uncapped`` is the text of records without a crate, which counts in the total but is never cut."""
    total = sum(sizes) + uncapped
    if not sizes or max(sizes) <= share * total:
        return float("inf")
    low, high = 0.0, float(max(sizes))
    for _ in range(60):
        middle = (low + high) / 2
        if middle <= share * (sum(min(size, middle) for size in sizes) + uncapped):
            low = middle
        else:
            high = middle
    return low


@dataclass
class CrateCapFilter:
    """Drops files beyond each crate's share of the kept characters (see the module docstring)."""

    max_share: float
    name: str = "crate_cap"
    scope: Literal["record", "corpus"] = "corpus"

    def apply(self, records: list[Record]) -> list[Record | Drop]:
        by_crate: dict[str, list[int]] = defaultdict(list)
        for index, record in enumerate(records):
            crate = record.meta.get("crate")
            if crate is not None:
                by_crate[f"{record.source}\0{crate}"].append(index)
        sizes = {key: sum(len(records[index].content) for index in indexes) for key, indexes in by_crate.items()}
        uncapped = sum(len(record.content) for record in records if record.meta.get("crate") is None)
        budget = crate_budget(list(sizes.values()), self.max_share, uncapped)
        verdicts: list[Record | Drop] = list(records)
        for key, indexes in by_crate.items():
            used = 0
            for index in indexes:
                size = len(records[index].content)
                if used + size > budget:
                    verdicts[index] = Drop("crate cap", f"crate {key.split(chr(0))[1]}: budget {budget:.0f} chars")
                else:
                    used += size
        return verdicts
