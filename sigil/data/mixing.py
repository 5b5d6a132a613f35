"""The validation hold-out and how sources and tasks are combined into the training set.

Deduplication runs before the hold-out, so no file (or near copy) can be in both sets. The hold-out is
deterministic: the same records and ``shuffle_seed`` always give the same validation set.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from sigil.data.records import Record


def hold_out(records: list[Record], fraction: float, seed: int) -> tuple[list[Record], list[Record]]:
    """``(train, validation)``: a seeded random ``fraction`` of the records (at least one when the fraction is
    positive and there are two or more records; never all of them), both in their original order."""
    count = len(records)
    if fraction <= 0 or count < 2:
        return list(records), []
    held = min(max(1, round(count * fraction)), count - 1)
    order = list(range(count))
    random.Random(seed).shuffle(order)
    validation_indices = set(order[:held])
    train = [record for index, record in enumerate(records) if index not in validation_indices]
    validation = [record for index, record in enumerate(records) if index in validation_indices]
    return train, validation


def combine(
    groups: Sequence[list[Record]], mode: str, weights: Sequence[float] | None, seed: int
) -> list[Record]:
    """One list from several: ``concat`` keeps group order, ``interleave`` takes one from each in turn,
    ``weighted`` draws groups at random in proportion to ``weights`` and stops when a drawn group has run out
    (``datasets.interleave_datasets``'s "first_exhausted"), so the weights hold for the result. Empty groups and
    groups of weight 0 are left out of the draw."""
    if mode == "concat":
        return [record for group in groups for record in group]
    if mode == "interleave":
        result: list[Record] = []
        for position in range(max((len(group) for group in groups), default=0)):
            result.extend(group[position] for group in groups if position < len(group))
        return result
    if mode == "weighted":
        weights = list(weights) if weights is not None else [1.0] * len(groups)
        live = [index for index, group in enumerate(groups) if group and weights[index] > 0]
        if not live:
            return []
        rng = random.Random(seed)
        cursors = [0] * len(groups)
        result = []
        while True:
            (chosen,) = rng.choices(live, weights=[weights[index] for index in live])
            if cursors[chosen] >= len(groups[chosen]):
                return result
            result.append(groups[chosen][cursors[chosen]])
            cursors[chosen] += 1
    raise ValueError(f"unknown interleave mode {mode!r}")


def weight_tasks(records: list[Record], task_weights: dict[str, float] | None, seed: int) -> list[Record]:
    """Apply ``task_weights`` (``code`` / ``instruct``) like ``weighted`` mixing; a task missing from the
    weights or of weight 0 is left out. Without weights, or with a single task present, nothing changes."""
    if not task_weights:
        return records
    tasks = ("code", "instruct")
    groups = [[record for record in records if record.task == task] for task in tasks]
    weights = [task_weights.get(task, 0.0) for task in tasks]
    if sum(1 for group in groups if group) < 2:
        return [record for group, weight in zip(groups, weights) if weight > 0 for record in group]
    return combine(groups, "weighted", weights, seed)
