"""Filters that use the native scorer, ``sigil_evaluator.score``: documented items and idiomatic quality.

``score(sources, weights=None, threads=None) -> list[dict]`` returns, per source, ``idiomatic_score`` in [0, 1]
and ``doc`` with ``documented_ratio`` (documented items / items), ``doc_comments`` and ``items``. The package
is imported only when one of these filters is enabled; a missing package is one clear error before any work.

Scores are computed once per record and kept in ``record.meta["score"]``, so the idiomatic filter reuses what
the documented filter computed.

Meaning of the config keys (see docs/data.md):

- ``prefer_documented``: judged on **public** items (``pub``; private helpers need no docs). A file with public
  items of which none is documented and without a ``//!`` module doc is ``undocumented``; with
  ``min_documented_ratio`` r > 0, a file documenting under r of its public items is ``poorly documented``.
  Files without public items pass.
- ``min_idiomatic_score`` (hard filter): drop every file whose ``idiomatic_score`` is below it.
- ``prefer_idiomatic`` with ``idiomatic_quality_ratio`` r (preference): a file is *idiomatic* when its score is at
  least ``idiomatic_threshold``. Every idiomatic file is kept; non-idiomatic files are kept best-first only as
  long as idiomatic files stay at least a share r of what is kept; the rest are dropped. r = 0 keeps
  everything, r = 1 is a hard filter that keeps only idiomatic files.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Literal

from sigil.data.records import Drop, Record
from sigil.errors import DataError


def native_scorer() -> Any:
    """The ``sigil_evaluator.score`` function, or a one-line DataError saying how to install it."""
    try:
        import sigil_evaluator
    except ImportError:
        raise DataError(
            "prefer_documented / prefer_idiomatic / min_idiomatic_score need the native scorer: "
            "pip install ./evaluator-rs (package sigil-evaluator)"
        ) from None
    score = getattr(sigil_evaluator, "score", None)
    if score is None:
        raise DataError("the installed sigil_evaluator has no score(); install the version that ships with sigil")
    return score


def with_scores(records: list[Record], threads: int | None, weights: dict[str, float] | None) -> list[Record]:
    """The records with ``meta["score"]`` filled in (one native call for all that lack it), scored with the
    same formula weights as evaluation (``eval.idiomatic_weights``) so that filtering and evaluation agree."""
    missing = [index for index, record in enumerate(records) if "score" not in record.meta]
    if not missing:
        return records
    scores = native_scorer()([records[index].content for index in missing], weights=weights, threads=threads)
    if len(scores) != len(missing):
        raise DataError(f"sigil_evaluator.score returned {len(scores)} results for {len(missing)} sources")
    result = list(records)
    for index, score in zip(missing, scores):
        result[index] = dataclasses.replace(records[index], meta={**records[index].meta, "score": score})
    return result


@dataclass
class DocumentedFilter:
    """``prefer_documented``: drops files whose public items are undocumented (no ``//!`` either) or documented
    below ``min_ratio``."""

    min_ratio: float = 0.0
    threads: int | None = 1
    weights: dict[str, float] | None = None
    name: str = "documented"
    scope: Literal["record", "corpus"] = "record"

    def apply(self, records: list[Record]) -> list[Record | Drop]:
        verdicts: list[Record | Drop] = []
        for record in with_scores(records, self.threads, self.weights):
            doc = record.meta["score"]["doc"]
            public, documented = doc["public_items"], doc["documented_public_items"]
            detail = f"{documented} of {public} public items documented, module docs: {doc['has_module_doc']}"
            # a `//!` module doc documents the file; private helpers need no docs
            if public > 0 and documented == 0 and not doc["has_module_doc"]:
                verdicts.append(Drop("undocumented", detail))
            elif public > 0 and documented / public < self.min_ratio:
                verdicts.append(Drop("poorly documented", detail))
            else:
                verdicts.append(record)
        return verdicts


@dataclass
class IdiomaticFilter:
    """Hard floor ``min_score`` and, with ``prefer``, the idiomatic-share preference (module docstring)."""

    min_score: float = 0.0
    prefer: bool = False
    ratio: float = 0.0
    threshold: float = 0.5
    threads: int | None = None
    weights: dict[str, float] | None = None
    name: str = "idiomatic"
    scope: Literal["record", "corpus"] = "corpus"

    def apply(self, records: list[Record]) -> list[Record | Drop]:
        scored = with_scores(records, self.threads, self.weights)
        verdicts: list[Record | Drop] = list(scored)
        kept: list[int] = []
        for index, record in enumerate(scored):
            if record.meta["score"]["idiomatic_score"] < self.min_score:
                verdicts[index] = Drop("idiomatic score below minimum", f"{record.meta['score']['idiomatic_score']:.3f}")
            else:
                kept.append(index)
        if not self.prefer or self.ratio <= 0:
            return verdicts
        score_of = {index: scored[index].meta["score"]["idiomatic_score"] for index in kept}
        idiomatic = [index for index in kept if score_of[index] >= self.threshold]
        others = sorted((index for index in kept if score_of[index] < self.threshold), key=lambda i: (-score_of[i], i))
        # largest n with len(idiomatic) / (len(idiomatic) + n) >= ratio
        allowed = len(others) if self.ratio <= 0 else math.floor(len(idiomatic) * (1 - self.ratio) / self.ratio + 1e-9)
        for index in others[allowed:]:
            verdicts[index] = Drop("below idiomatic share", f"{score_of[index]:.3f}")
        return verdicts
