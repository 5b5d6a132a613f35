"""The scorer inside sigil: chosen by ``eval.scorers``, run by ``evaluate()`` with the real native evaluator."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from sigil_panic_scorer import PanicScorer, PanicsSection

from sigil.cli import main
from sigil.evaluation.config import EvalConfig
from sigil.evaluation.evaluate import evaluate
from sigil.evaluation.samples import Sample
from sigil.evaluation.scorers import EvalBatch

LIBRARY_UNWRAP = """\
pub fn first_word(s: &str) -> &str {
    s.split_whitespace().next().unwrap()
}

fn main() {
    println!("{}", first_word("hello world"));
}
"""
CLEAN_LIBRARY_MAIN_UNWRAP = """\
pub fn first_word(s: &str) -> Option<&str> {
    // never .unwrap() here
    s.split_whitespace().next()
}

fn main() {
    println!("{}", first_word("hello world").unwrap());
}
"""
BROKEN = """\
pub fn first_word(s: &str) -> &str {
    s.split_whitespace().next().unwrap_or("")
}

fn main() {
    let n: u32 = "x";
}
"""
SOURCES = [LIBRARY_UNWRAP, CLEAN_LIBRARY_MAIN_UNWRAP, BROKEN]


def samples() -> list[Sample]:
    return [Sample(str(i), "write first_word", f"```rust\n{source}```", "first_word", i) for i, source in enumerate(SOURCES)]


def test_scorer_reads_its_section_from_the_batch() -> None:
    batch = EvalBatch(samples(), SOURCES, [{"compiles": True}] * 3)
    assert [s["panic_calls"] for s in PanicScorer().score(batch)] == [1.0, 0.0, 0.0]

    class Config:  # what sigil's validated config looks like to the scorer: a section per attribute
        panics = PanicsSection(allow_in_main=False)

    batch.pipeline = Config()
    assert [s["panic_calls"] for s in PanicScorer().score(batch)] == [1.0, 1.0, 0.0]


@pytest.mark.slow
def test_evaluate_reports_panic_metrics_and_weights_quality(registered) -> None:
    plain = EvalConfig(scorers=["compile", "panics"], cache_dir=None, quality_weights={"compiles": 1.0})
    report = evaluate(samples(), plain, seed=0)
    scores = [detail["scores"] for detail in report.samples]
    assert [s["compiles"] for s in scores] == [1.0, 1.0, 0.0]
    assert [s["panic_calls"] for s in scores] == [1.0, 0.0, 0.0]
    assert [s["panic_free"] for s in scores] == [0.0, 1.0, 1.0]
    assert scores[0]["panic_density"] == pytest.approx(100 / 3)  # one call in three library lines
    assert report.metrics["avg_panic_free"] == pytest.approx(2 / 3, abs=1e-4)
    assert report.metrics["avg_panic_calls"] == pytest.approx(1 / 3, abs=1e-4)
    assert report.metrics["avg_panic_density"] == pytest.approx((100 / 3 + 0 + 0) / 3, abs=1e-4)
    assert report.metrics["scorers"] == ["compile", "panics"]
    assert report.metrics["avg_quality"] == pytest.approx(2 / 3, abs=1e-4)

    # Weighting panic_free: the compiling sample that unwraps in library code loses half its quality.
    weighted = plain.model_copy(update={"quality_weights": {"compiles": 1.0, "panic_free": 1.0}})
    report = evaluate(samples(), weighted, seed=0)
    assert [d["scores"]["quality"] for d in report.samples] == [0.5, 1.0, 0.5]
    assert report.metrics["avg_quality"] == pytest.approx(2 / 3, abs=1e-4)
    lopsided = plain.model_copy(update={"quality_weights": {"compiles": 1.0, "panic_free": 3.0}})
    report = evaluate(samples(), lopsided, seed=0)
    assert [d["scores"]["quality"] for d in report.samples] == [0.25, 1.0, 0.75]


def test_unregistered_scorer_is_refused_before_any_work() -> None:
    from sigil.errors import SigilError

    with pytest.raises(SigilError, match="eval.scorers: .*panics"):
        evaluate(samples(), EvalConfig(scorers=["compile", "panics"], cache_dir=None), seed=0)


def write_samples(tmp_path: Path) -> Path:
    path = tmp_path / "samples.jsonl"
    path.write_text("".join(json.dumps(s.to_json()) + "\n" for s in samples()))
    return path


def test_cli_refuses_a_misspelled_key(registered, tmp_path: Path, capsys) -> None:
    code = main(["eval", str(write_samples(tmp_path)), "-o", "eval.scorers=[panics]", "-o", "panics.per_line=10"])
    assert code == 1
    assert "panics.per_line: unknown key (did you mean 'per_lines'?)" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_section_reaches_the_scorer(registered, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code = main(["eval", str(write_samples(tmp_path)), "--output", str(out), "--no-cache",
                 "-o", "eval.scorers=[compile,panics]", "-o", "panics.allow_in_main=false"])
    assert code == 0
    metrics = json.loads((out / "metrics.jsonl").read_text().splitlines()[-1])
    assert metrics["avg_panic_calls"] == pytest.approx(2 / 3, abs=1e-4)  # main's unwrap now counts


def test_nan_metrics_are_left_out_of_averages() -> None:
    batch = EvalBatch(samples()[:2], ["fn main() {\n    None::<u8>.unwrap();\n}\n", "   "], [{}, {}])
    first, second = PanicScorer().score(batch)
    assert first["panic_free"] == 1.0 and math.isnan(first["panic_density"])
    assert all(math.isnan(value) for value in second.values())
