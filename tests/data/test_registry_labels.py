"""Per-filter precision on a hand-labelled sample of real crates (tests/data/fixtures/registry_labels.jsonl).

Each row is a file of the local cargo registry that the default filters dropped when the sample was drawn
(``bench/data/bench_registry.py --sample``), the filter and reason, and a Rust engineer's verdict: ``right`` (a
file the training set is better without) or ``wrong``. The fixture holds paths and verdicts, not code. Here the
record-scope filters run with the defaults on the labelled files that exist on this machine; of the labelled
drops a filter still makes, at least 90% must be right. Skipped when the registry is absent.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from sigil.config import validate_config
from sigil.data.filtering import apply_filters, build_filters
from sigil.data.records import Record

FIXTURE = Path(__file__).parent / "fixtures" / "registry_labels.jsonl"
REGISTRY = sorted(Path.home().glob(".cargo/registry/src/*/"))


def test_fixture_is_paths_and_verdicts_only() -> None:
    rows = [json.loads(line) for line in FIXTURE.read_text().splitlines()]
    assert len(rows) >= 50
    assert all(set(row) == {"path", "filter", "reason", "verdict"} for row in rows)
    assert {row["verdict"] for row in rows} <= {"right", "wrong"}


@pytest.mark.skipif(not REGISTRY, reason="no ~/.cargo/registry/src")
def test_each_filter_is_at_least_90_percent_right_on_the_labelled_sample() -> None:
    root = REGISTRY[0]
    rows = [json.loads(line) for line in FIXTURE.read_text().splitlines()]
    rows = [row for row in rows if (root / row["path"]).is_file()]
    if len(rows) < 20:
        pytest.skip("the labelled crates are not in this registry")
    config = validate_config({"dataset": {"validation_split": 0.0}}, "test")
    filters = [named for named in build_filters(config) if named.filter.scope == "record"]
    records = [
        Record((root / row["path"]).read_text(encoding="utf-8"), "registry", row["path"],
               meta={"crate": row["path"].split("/", 1)[0]})
        for row in rows
    ]
    outcomes = apply_filters(filters, records)
    right, dropped = Counter(), Counter()
    for row, outcome in zip(rows, outcomes):
        if isinstance(outcome, tuple) and outcome[0] == row["filter"]:
            dropped[row["filter"]] += 1
            right[row["filter"]] += row["verdict"] == "right"
    assert dropped, "no labelled drop is made any more"
    precision = {name: right[name] / dropped[name] for name in dropped}
    assert all(value >= 0.9 for value in precision.values()), precision
