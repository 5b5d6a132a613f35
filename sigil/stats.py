"""Statistics for comparing models problem by problem: an exact McNemar test on paired verdicts, and a seeded
percentile-bootstrap interval of a rate. One implementation, used by the stages that measure held-out sets and by
the run report that compares their final models."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence


def mcnemar_exact(before: Sequence[bool], after: Sequence[bool]) -> tuple[int, int, float]:
    """Discordant pairs (true only before, true only after) and the two-sided exact binomial p-value."""
    lost = sum(1 for b, a in zip(before, after, strict=True) if b and not a)
    gained = sum(1 for b, a in zip(before, after, strict=True) if a and not b)
    n = lost + gained
    if n == 0:
        return lost, gained, 1.0
    tail = sum(math.comb(n, i) for i in range(min(lost, gained) + 1)) / 2**n
    return lost, gained, min(1.0, 2 * tail)


def bootstrap_interval(values: Sequence[bool], seed: int = 0, draws: int = 2000) -> tuple[float, float]:
    """Percentile bootstrap 95% interval of the mean of ``values`` (seeded: the same input, the same interval)."""
    if not values:
        return 0.0, 0.0
    rng = random.Random(seed)
    n = len(values)
    means = sorted(sum(values[rng.randrange(n)] for _ in range(n)) / n for _ in range(draws))
    return means[int(0.025 * draws)], means[int(0.975 * draws) - 1]
