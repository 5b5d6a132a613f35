"""Best-fit-decreasing packing of examples into rows of at most ``max_seq_len`` tokens.

Each row keeps the lengths of the examples in it (``seq_lengths``), from which the collator restarts the
position ids per example; the attention kernels use those boundaries, so examples never see each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sigil_train.data.encode import Example


def pack_examples(examples: Iterable[Example], max_seq_len: int) -> list[dict[str, Any]]:
    """Rows ``{"input_ids", "labels", "seq_lengths"}``, fullest first, deterministic for a given input order.

    Best fit decreasing: longest examples first, each into the row with the least room that still fits it.
    Rooms are bucketed by size, so placing an example costs at most ``max_seq_len`` bucket probes.
    """
    items = sorted(enumerate(examples), key=lambda pair: (-len(pair[1].input_ids), pair[0]))
    rows: list[list[Example]] = []
    room: list[int] = []
    by_room: dict[int, list[int]] = {}
    for _, example in items:
        length = len(example.input_ids)
        if length > max_seq_len:
            raise ValueError(f"example of {length} tokens exceeds max_seq_len {max_seq_len}; chunk it first")
        target = None
        for space in range(length, max_seq_len + 1):
            bucket = by_room.get(space)
            if bucket:
                target = bucket.pop()
                break
        if target is None:
            target = len(rows)
            rows.append([])
            room.append(max_seq_len)
        rows[target].append(example)
        room[target] -= length
        by_room.setdefault(room[target], []).append(target)
    return [_row(row) for row in rows]


def unpacked_rows(examples: Iterable[Example]) -> list[dict[str, Any]]:
    """One row per example (``pack: false``): padded per batch by the collator."""
    return [_row([example]) for example in examples]


def _row(examples: list[Example]) -> dict[str, Any]:
    input_ids: list[int] = []
    labels: list[int] = []
    for example in examples:
        input_ids += example.input_ids
        labels += example.labels
    return {"input_ids": input_ids, "labels": labels, "seq_lengths": [len(e.input_ids) for e in examples]}
