"""A bounded slice of the differential tester (bench/evaluator/differential.py): random batches drawn from a varied
corpus, every sample's batched result compared with its lone clippy-driver result (verdict from rustc alone).

The full run (>= 5,000 samples in batches of 32 and 64) is recorded in bench/RESULTS.md; this slice keeps CI under
a minute on 2 cores while drawing every adversarial class.
"""

from __future__ import annotations

import os
from pathlib import Path


def test_random_batches_agree_with_lone_checks(bench_modules: Path) -> None:
    import differential  # type: ignore[import-not-found]

    seed = int(os.environ.get("SIGIL_DIFF_SEED", "7"))
    samples = differential.adversarial(70, seed) + differential.registry(15, seed)
    samples += [differential.Sample(s.id, s.category, s.source) for s in __import__("corpus").generate(40, seed=seed)[::4]]
    classes = {s.category for s in samples}
    assert {"adversarial:inner_attr", "adversarial:outer_attr", "adversarial:non_ascii", "adversarial:syntax"} <= classes
    report = differential.differential(samples, [32], seed, jobs=2, shrink_limit=1, log=lambda _: None)
    assert not report["mismatches"], report["mismatches"][:3]
    # Not vacuous: both verdicts, clippy deny-level lints and failures from several classes are present.
    assert 10 < report["reference_compiles"] < len(samples) - 10
    assert report["reference_clippy_errors"] > 0


def test_shrinking_finds_the_batch_mate_that_changes_a_result(bench_modules: Path) -> None:
    """The shrinker against a stand-in evaluator whose answer for the first sample depends on one batch-mate."""
    import differential  # type: ignore[import-not-found]

    want = {"compiles": True, "error_codes": [], "first_error": None, "rustc_warnings": 0, "clippy_warnings": 0,
            "clippy_errors": 0, "lints": {}}

    class Leaky:
        def check(self, sources: list[str]) -> list[dict[str, object]]:
            poisoned = any("POISON" in s for s in sources[1:])
            return [{**want, "compiles": not poisoned}] + [want] * (len(sources) - 1)

    sample = differential.Sample("s", "t", "fn main() {}")
    mates = [differential.Sample(f"m{i}", "t", "POISON" if i == 11 else f"m{i}") for i in range(20)]
    assert differential.shrink(sample, mates, want, Leaky) == ["m11"]
    # Wrong alone: no mate needed.
    assert differential.shrink(sample, mates, {**want, "compiles": False}, Leaky) == []


def test_minimal_pairs_found_by_the_differential_run(bench_modules: Path) -> None:
    """Minimal pairs the 5,000-sample run of 2026-12-02 found (cargo-registry files): a crate-root `use name;` that
    clippy reads differently in a module, and follow-on errors (E0282) that rustc suppresses once a batch-mate has
    reported errors. Each sample, batched with its pair, must give its lone result."""
    import json

    import reference  # type: ignore[import-not-found]
    from sigil_evaluator import Evaluator

    pairs = json.loads((Path(__file__).parent / "fixtures" / "batch_pairs" / "differential-2026-12-02.json").read_text())
    assert len(pairs) == 2
    driver = reference.clippy_driver()
    for pair in pairs:
        sources = pair["sources"]
        got = Evaluator(batch_size=32).check(sources)[0]
        want = reference.check_single(sources[0], driver, rustc_verdict="always")
        assert not reference.mismatch(got, want), (pair["id"], reference.mismatch(got, want))
