"""Batched verdicts equal single-file clippy-driver verdicts, sample by sample.

Uses 150 samples of the benchmark corpus (every 4th of 600, covering every category); the whole
corpus was run once and recorded in bench/RESULTS-evaluator.md.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sigil_evaluator import Evaluator

FIELDS = ("compiles", "error_codes", "first_error", "rustc_warnings", "clippy_warnings", "lints")


def test_batch_equals_single_file_checks(bench_modules: Path) -> None:
    import corpus  # type: ignore[import-not-found]
    import reference  # type: ignore[import-not-found]

    samples = corpus.generate(600, seed=0)[::4]
    assert {s.category.split(":")[0] for s in samples} >= {"clean", "dirty", "error", "lib", "solo"}
    got = Evaluator(compile_timeout=60, batch_size=32).check([s.source for s in samples])
    driver = reference.clippy_driver()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        want: list[dict[str, Any]] = list(pool.map(lambda s: reference.check_single(s.source, driver), samples))
    mismatches = [
        (s.id, s.category, {f: (g[f], w[f]) for f in FIELDS if g[f] != w[f]})
        for s, g, w in zip(samples, got, want)
        if any(g[f] != w[f] for f in FIELDS)
    ]
    assert not mismatches, mismatches[:5]
    # Not vacuous: the corpus has failing, clean and clippy-dirty programs.
    assert sum(not w["compiles"] for w in want) > 20
    assert sum(w["clippy_warnings"] > 0 for w in want) > 20
