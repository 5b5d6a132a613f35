"""The filter protocol. Built-in filters live in :mod:`sigil.data.builtin_filters`; plugins add their own."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, Protocol

from sigil.data.records import Drop, Record
from sigil.plugins import Kind

if TYPE_CHECKING:
    from sigil.config.schema import PipelineConfig


class Filter(Protocol):
    """Decides, for a batch of records, which are kept (possibly rewritten) and which are dropped and why.

    ``scope = "record"`` filters judge each record alone and may run in parallel worker processes, so they
    must be picklable; ``scope = "corpus"`` filters (deduplication, ratio-based selection) see every record
    that survived the record filters, in one process, after them.
    """

    name: str
    scope: Literal["record", "corpus"]
    # Optional: ``setting: str``, the config key(s) that control the filter (``"dataset.dedup"``); the data stage
    # names it in the warning it prints when the filter drops a large share of a source.

    def apply(self, records: list[Record]) -> list[Record | Drop]:
        """One verdict per record, in order: the record to keep (the same or rewritten) or a :class:`Drop`."""
        ...


#: What ``register_filters`` registers: ``factory(config)`` gives the filter, or ``None`` when the config turns it off.
FilterFactory = Callable[["PipelineConfig"], Filter | None]

#: ``registry(FILTERS)``: the registered filter factories.
FILTERS: Kind[FilterFactory] = Kind("filters")
