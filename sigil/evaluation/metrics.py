"""Aggregate metrics over evaluated samples, with the reference system's field names plus sigil's own.

Definitions (also in docs/evaluation.md):

- ``compile_rate`` (= ``compile_rate_strict``): compiled / total_samples. Every sample is in the denominator,
  pre-filtered and rejected ones included. ``compile_rate_filtered``: compiled / evaluated_samples.
- ``avg_clippy_warnings``: mean clippy warnings over the samples that compiled (clippy only lints programs that
  compile); ``clippy_samples`` says how many that is.
- ``avg_idiomatic_score``, ``doc_comment_rate`` (mean share of items documented), ``avg_doc_comments``:
  means over every sample that has the metric.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

#: Averages reported under the reference system's names.
REFERENCE_NAMES = {"idiomatic_score": "avg_idiomatic_score", "doc_ratio": "doc_comment_rate", "doc_comments": "avg_doc_comments"}


def quality_score(values: dict[str, float], weights: dict[str, float]) -> float:
    """Weighted mean of the named metrics (missing or NaN metrics count as 0)."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return sum(weight * _finite_or_zero(values.get(name)) for name, weight in weights.items()) / total


def _finite_or_zero(value: float | None) -> float:
    return value if value is not None and math.isfinite(value) else 0.0


def _mean(values: list[float]) -> float | None:
    finite = [value for value in values if value is not None and math.isfinite(value)]
    return round(sum(finite) / len(finite), 4) if finite else None


def aggregate(details: list[dict[str, Any]], seed: int) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The metrics line and a per-problem breakdown."""
    total = len(details)
    filtered = [d for d in details if d["filter_reason"]]
    compiled = [d for d in details if d["check"]["compiles"]]
    failed = [d for d in details if not d["filter_reason"] and not d["check"]["compiles"]]
    evaluated = total - len(filtered)

    clippy_lints: Counter[str] = Counter()
    rustc_lints: Counter[str] = Counter()
    for detail in compiled:
        for lint, count in detail["check"]["lints"].items():
            (clippy_lints if lint.startswith("clippy::") else rustc_lints)[lint] += count

    metrics: dict[str, Any] = {
        "total_samples": total,
        "filtered_samples": len(filtered),
        "evaluated_samples": evaluated,
        "compiled_samples": len(compiled),
        "compile_rate": round(len(compiled) / total, 4) if total else 0.0,
        "compile_rate_strict": round(len(compiled) / total, 4) if total else 0.0,
        "compile_rate_filtered": round(len(compiled) / evaluated, 4) if evaluated else 0.0,
        "avg_clippy_warnings": _mean([float(d["check"]["clippy_warnings"]) for d in compiled]),
        "clippy_samples": len(compiled),
        "clippy_counted_over": "compiling samples",
        "avg_rustc_warnings": _mean([float(d["check"]["rustc_warnings"]) for d in compiled]),
        "clippy_lints": dict(clippy_lints.most_common()),
        "rustc_lints": dict(rustc_lints.most_common()),
        "error_types": dict(Counter(d["check"]["first_error_kind"] or "unknown" for d in failed).most_common()),
        "error_codes": dict(Counter(code for d in failed for code in d["check"]["error_codes"]).most_common()),
        "filter_reasons": dict(Counter(d["filter_reason"] for d in filtered).most_common()),
        "statuses": dict(Counter(d["check"]["status"] for d in details).most_common()),
        "cache_hits": sum(1 for d in details if d["check"].get("cached")),
        "seed": seed,
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    score_names = sorted({name for d in details for name in d["scores"]})
    features: dict[str, float | None] = {}
    for name in score_names:
        mean = _mean([d["scores"].get(name, math.nan) for d in details])
        if name.startswith("feature/"):
            features[name.removeprefix("feature/")] = mean  # one nested block, not 28 top-level keys
        else:
            metrics[REFERENCE_NAMES.get(name, f"avg_{name}")] = mean
    if features:
        metrics["idiomatic_features"] = features

    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for detail in details:
        groups[detail["problem"]].append(detail)
    per_problem = {
        problem: {
            "samples": len(group),
            "compile_rate": round(sum(d["check"]["compiles"] for d in group) / len(group), 4),
            **{
                REFERENCE_NAMES.get(name, f"avg_{name}"): _mean([d["scores"].get(name, math.nan) for d in group])
                for name in score_names
                if not name.startswith("feature/")
            },
        }
        for problem, group in groups.items()
    }
    return metrics, per_problem
