"""The filter protocol. Built-in filters live in :mod:`sigil.data.builtin_filters`; plugins add their own."""

from __future__ import annotations

from typing import Literal, Protocol

from sigil.data.records import Drop, Record


class Filter(Protocol):
    """Decides, for a batch of records, which are kept (possibly rewritten) and which are dropped and why.

    ``scope = "record"`` filters judge each record alone and may run in parallel worker processes, so they
    must be picklable; ``scope = "corpus"`` filters (deduplication, ratio-based selection) see every record
    that survived the record filters, in one process, after them.
    """

    name: str
    scope: Literal["record", "corpus"]

    def apply(self, records: list[Record]) -> list[Record | Drop]:
        """One verdict per record, in order: the record to keep (the same or rewritten) or a :class:`Drop`."""
        ...
