"""Validation hold-out and source/task mixing."""

from __future__ import annotations

from sigil.data.mixing import combine, hold_out, weight_tasks
from sigil.data.records import Record


def recs(source: str, count: int, prompt: str | None = None) -> list[Record]:
    return [Record(content=f"{source}{i}", source=source, id=f"{source}{i}", prompt=prompt) for i in range(count)]


def test_hold_out_is_seeded_disjoint_and_ordered() -> None:
    records = recs("a", 100)
    train, validation = hold_out(records, 0.1, seed=1)
    assert len(validation) == 10 and len(train) == 90
    assert not {r.id for r in train} & {r.id for r in validation}
    assert hold_out(records, 0.1, seed=1) == (train, validation)
    assert hold_out(records, 0.1, seed=2)[1] != validation
    assert validation == sorted(validation, key=lambda r: int(r.id[1:]))
    assert hold_out(records[:2], 0.01, seed=1)[1] != []  # at least one when positive
    assert hold_out(records[:1], 0.5, seed=1) == (records[:1], [])  # never everything


def test_combine_modes() -> None:
    a, b = recs("a", 3), recs("b", 1)
    assert [r.id for r in combine([a, b], "concat", None, 0)] == ["a0", "a1", "a2", "b0"]
    assert [r.id for r in combine([a, b], "interleave", None, 0)] == ["a0", "b0", "a1", "a2"]
    weighted = combine([recs("a", 1000), recs("b", 1000)], "weighted", [3.0, 1.0], seed=0)
    share = sum(r.source == "a" for r in weighted) / len(weighted)
    assert 0.68 < share < 0.82 and len(weighted) >= 1000  # stops when "a" runs out
    assert all(r.source == "a" for r in combine([recs("a", 5), recs("b", 5)], "weighted", [1.0, 0.0], 0))


def test_task_weights() -> None:
    mixed = recs("code", 500) + recs("inst", 500, prompt="p")
    only_code = weight_tasks(mixed, {"code": 1.0}, seed=0)
    assert {r.task for r in only_code} == {"code"} and len(only_code) == 500
    weighted = weight_tasks(mixed, {"code": 1.0, "instruct": 1.0}, seed=0)
    assert 0.35 < sum(r.task == "code" for r in weighted) / len(weighted) < 0.65
    assert weight_tasks(mixed, None, seed=0) == mixed
