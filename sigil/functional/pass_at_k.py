"""pass@k: the unbiased estimator of Chen et al. (2021), per problem and averaged over a suite."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence


def pass_at_k(n: int, c: int, k: int) -> float:
    """Probability that at least one of ``k`` samples drawn without replacement from ``n`` (``c`` correct) passes.

    ``1 − C(n−c, k) / C(n, k)``, computed as ``1 − ∏_{i=n−c+1}^{n} (1 − k/i)``: no huge binomials, no overflow,
    exact at the edges (1.0 as soon as fewer than ``k`` samples fail).
    """
    if not 0 <= c <= n:
        raise ValueError(f"pass@k needs 0 <= c <= n, got n={n}, c={c}")
    if not 1 <= k <= n:
        raise ValueError(f"pass@k needs 1 <= k <= n, got k={k}, n={n}")
    if n - c < k:
        return 1.0
    product = 1.0
    for i in range(n - c + 1, n + 1):
        product *= 1.0 - k / i
    return 1.0 - product


def suite_pass_at_k(counts: Mapping[str, tuple[int, int]], ks: Iterable[int]) -> dict[str, object]:
    """pass@k for each k, per problem and averaged.

    :param counts: problem name → (n samples, c correct).
    :param ks: the k values; a k larger than some problem's n is skipped for the average and reported under
        ``skipped`` (averaging over a subset of problems would silently change the metric).
    :returns: ``{"pass@1": mean, ..., "per_problem": {name: {"n", "c", "pass@1", ...}}, "skipped": {...}}``.
    """
    ks = sorted(set(ks))
    per_problem: dict[str, dict[str, float | int]] = {}
    block: dict[str, object] = {}
    skipped: dict[str, list[str]] = {}
    for name, (n, c) in counts.items():
        entry: dict[str, float | int] = {"n": n, "c": c}
        for k in ks:
            if k <= n:
                entry[f"pass@{k}"] = pass_at_k(n, c, k)
        per_problem[name] = entry
    for k in ks:
        key = f"pass@{k}"
        too_few = [name for name, entry in per_problem.items() if key not in entry]
        if too_few:
            skipped[key] = too_few
            continue
        values: Sequence[float] = [float(entry[key]) for entry in per_problem.values()]
        block[key] = sum(values) / len(values) if values else 0.0
    block["problems"] = len(per_problem)
    block["per_problem"] = per_problem
    if skipped:
        block["skipped"] = skipped
    return block
