"""Documented and idiomatic filters: their rules on known scores (a stand-in scorer with the agreed contract),
and the same filters on the real native scorer once ``sigil_evaluator.score`` exists."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from sigil.data.checks.scored import DocumentedFilter, IdiomaticFilter
from sigil.data.records import Drop, Record
from sigil.errors import DataError


def _score_from_header(source: str) -> dict[str, Any]:
    # the stand-in reads "// score=<idiomatic> doc=<documented>/<public items> [mod=1]" from the first line
    header = dict(part.split("=") for part in source.splitlines()[0].removeprefix("// ").split())
    documented, items = map(int, header["doc"].split("/"))
    return {
        "idiomatic_score": float(header["score"]),
        "doc": {"documented_ratio": documented / items if items else 0.0, "doc_comments": documented, "items": items,
                "public_items": items, "documented_public_items": documented,
                "has_module_doc": header.get("mod") == "1"},
    }


@pytest.fixture
def stand_in_scorer(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []

    def score(sources: list[str], weights: object = None, threads: int | None = None) -> list[dict[str, Any]]:
        calls.append(len(sources))
        return [_score_from_header(source) for source in sources]

    monkeypatch.setitem(sys.modules, "sigil_evaluator", types.SimpleNamespace(score=score))
    return calls


def src(score: float, documented: int = 1, items: int = 1, module_doc: bool = False) -> str:
    return f"// score={score} doc={documented}/{items} mod={int(module_doc)}\nfn f() {{}}\n"


def reasons(verdicts: list[Record | Drop]) -> list[str]:
    return [v.reason if isinstance(v, Drop) else "kept" for v in verdicts]


def test_documented_drops_undocumented_and_below_ratio(record, stand_in_scorer) -> None:
    batch = [record(src(0.9, 0, 3)), record(src(0.9, 1, 4)), record(src(0.9, 3, 4)), record(src(0.9, 0, 0))]
    assert reasons(DocumentedFilter().apply(batch)) == ["undocumented", "kept", "kept", "kept"]
    assert reasons(DocumentedFilter(min_ratio=0.5).apply(batch)) == ["undocumented", "poorly documented", "kept", "kept"]


def test_a_module_doc_documents_the_file(record, stand_in_scorer) -> None:
    # pyo3's conversions/*.rs: `//!` docs and documented trait impls, no `///` on a public item
    assert reasons(DocumentedFilter().apply([record(src(0.9, 0, 3, module_doc=True))])) == ["kept"]


def test_scores_are_computed_once_and_reused(record, stand_in_scorer) -> None:
    kept = [v for v in DocumentedFilter().apply([record(src(0.9)), record(src(0.2))]) if isinstance(v, Record)]
    IdiomaticFilter(min_score=0.5).apply(kept)
    assert stand_in_scorer == [2]


def test_min_idiomatic_score_is_a_hard_floor(record, stand_in_scorer) -> None:
    verdicts = IdiomaticFilter(min_score=0.6).apply([record(src(0.9)), record(src(0.59)), record(src(0.6))])
    assert reasons(verdicts) == ["kept", "idiomatic score below minimum", "kept"]


def test_prefer_idiomatic_keeps_the_ratio_dropping_worst_first(record, stand_in_scorer) -> None:
    # 2 idiomatic (>= 0.5), 4 not; ratio 0.5 allows 2 non-idiomatic: the best two (0.4, 0.3)
    batch = [record(src(s)) for s in (0.9, 0.1, 0.4, 0.8, 0.3, 0.2)]
    verdicts = IdiomaticFilter(prefer=True, ratio=0.5, threshold=0.5).apply(batch)
    assert reasons(verdicts) == ["kept", "below idiomatic share", "kept", "kept", "kept", "below idiomatic share"]
    # ratio 1.0 is a hard filter on the threshold; ratio 0 keeps everything
    assert reasons(IdiomaticFilter(prefer=True, ratio=1.0).apply(batch)).count("kept") == 2
    assert reasons(IdiomaticFilter(prefer=True, ratio=0.0).apply(batch)).count("kept") == 6


def test_missing_scorer_is_one_clear_error(monkeypatch: pytest.MonkeyPatch, config) -> None:
    from sigil.data.builtin_filters import documented, idiomatic

    monkeypatch.setitem(sys.modules, "sigil_evaluator", None)  # import fails
    with pytest.raises(DataError, match="pip install ./evaluator-rs"):
        documented(config(prefer_documented=True))
    with pytest.raises(DataError, match="native scorer"):
        idiomatic(config(prefer_idiomatic=True, idiomatic_quality_ratio=0.5))
    assert idiomatic(config()) is None


def test_real_scorer_ranks_documented_idiomatic_code_higher(record) -> None:
    good = '/// Adds two numbers.\npub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n'
    bad = 'pub fn add(a: i32, b: i32) -> i32 {\n    let mut r = 0; r = r + a; r = r + b; return r;\n}\n'
    verdicts = DocumentedFilter().apply([record(good), record(bad)])
    assert isinstance(verdicts[0], Record) and isinstance(verdicts[1], Drop) and verdicts[1].reason == "undocumented"
    private = "//! Helpers.\nfn helper() -> u8 {\n    1\n}\n"
    assert isinstance(DocumentedFilter().apply([record(private)])[0], Record)
    scores = [r.meta["score"]["idiomatic_score"] for r in verdicts if isinstance(r, Record)]
    assert 0.0 <= scores[0] <= 1.0
