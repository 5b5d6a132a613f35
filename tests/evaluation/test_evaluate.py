"""Evaluation through the real native evaluator: rates with honest denominators, lints, errors, scorers."""

import json
import math

import pytest

from sigil.cli import main
from sigil.errors import DataError, SigilError
from sigil.evaluation.config import EvalConfig
from sigil.evaluation.evaluate import evaluate
from sigil.evaluation.samples import read_samples

BASIC = EvalConfig(scorers=["compile", "clippy"], cache_dir=None)


def test_metrics_have_honest_denominators(samples_file):
    report = evaluate(read_samples(samples_file), BASIC, seed=1)
    m = report.metrics
    assert (m["total_samples"], m["filtered_samples"], m["evaluated_samples"], m["compiled_samples"]) == (4, 1, 3, 2)
    assert m["compile_rate"] == m["compile_rate_strict"] == 0.5
    assert m["compile_rate_filtered"] == pytest.approx(2 / 3, abs=1e-4)
    # clippy counts only over the two compiling samples: 0 and 2 warnings
    assert m["clippy_samples"] == 2 and m["avg_clippy_warnings"] == 1.0
    assert m["clippy_lints"] == {"clippy::needless_range_loop": 1, "clippy::useless_vec": 1}
    assert m["error_types"] == {"type_mismatch": 1} and m["error_codes"] == {"E0308": 1}
    assert m["filter_reasons"] == {"too_short": 1}
    assert m["isolation"] == "bwrap"
    assert m["seed"] == 1 and m["timestamp"]


def test_per_sample_details_and_scores(samples_file):
    report = evaluate(read_samples(samples_file), BASIC, seed=1)
    first, second, third, fourth = report.samples
    assert first["code"].startswith("/// Adds two numbers.")  # extracted from the fence
    assert first["scores"] == {
        "compiles": 1.0,
        "clippy_warnings": 0.0,
        "clippy_density": 0.0,
        "clippy_clean": 1.0,
        "quality": pytest.approx(0.5 + 0.2),  # compiles 0.5 + clippy_clean 0.2 (the syntax scorers are off)
    }
    assert second["scores"]["compiles"] == 0.0 and math.isnan(second["scores"]["clippy_warnings"])
    assert third["check"]["clippy_warnings"] == 2
    assert fourth["check"]["status"] == "filtered" and fourth["filter_reason"] == "too_short"
    assert set(report.per_problem) == {"add", "bad", "loop", "short"}


def test_no_prefilter_compiles_everything(samples_file):
    config = BASIC.model_copy(update={"prefilter": BASIC.prefilter.model_copy(update={"enabled": False})})
    m = evaluate(read_samples(samples_file), config, seed=1).metrics
    assert m["filtered_samples"] == 0 and m["compiled_samples"] == 3 and m["compile_rate"] == 0.75


def test_hook_register_scorers_changes_metrics(line_scorer, samples_file):
    config = EvalConfig(scorers=["compile", "lines"], cache_dir=None, quality_weights={"compiles": 1.0})
    m = evaluate(read_samples(samples_file), config, seed=1).metrics
    assert m["avg_lines"] == pytest.approx((8 + 4 + 6 + 1) / 4, abs=1e-3)


def test_unknown_scorer_is_an_error(samples_file):
    with pytest.raises(SigilError, match="eval.scorers: unknown scorer 'idiomatc' \\(did you mean 'idiomatic'\\?\\)"):
        evaluate(read_samples(samples_file), EvalConfig(scorers=["idiomatc"]), seed=1)


def test_malformed_lines(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"prompt": "a", "gen": "x"}\n{not json\n{"prompt": "b"}\n')
    with pytest.raises(DataError, match=r"bad.jsonl:2: malformed JSON line"):
        read_samples(path)
    bad: list[str] = []
    samples = read_samples(path, skip_bad_lines=True, bad_lines=bad)
    assert len(samples) == 1 and len(bad) == 2
    assert "bad.jsonl:3: needs a string field 'gen'" in bad[1]


def test_cli_eval_writes_metrics_and_results(samples_file, tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["eval", str(samples_file), "--output", str(out), "--no-cache", "--save-errors",
            "-o", "eval.scorers=[compile,clippy]"]
    assert main(argv) == 0
    assert "compile_rate 0.5 (filtered 0.6667)" in capsys.readouterr().out
    assert main([*argv, "--no-pre-filter"]) == 0
    lines = (out / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(line)["compile_rate"] for line in lines] == [0.5, 0.75]
    assert len((out / "results.jsonl").read_text().splitlines()) == 4
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert [e["id"] for e in errors] == ["2"]


def test_cli_flags_are_validated_like_config(samples_file, tmp_path, capsys):
    assert main(["eval", str(samples_file), "--output", str(tmp_path), "--compile-timeout", "-3"]) == 1
    assert "eval.compile_timeout: Input should be greater than 0" in capsys.readouterr().err
    assert main(["eval", str(tmp_path / "absent.jsonl"), "--output", str(tmp_path)]) == 1
    assert "absent.jsonl: no such file" in capsys.readouterr().err
    assert not (tmp_path / "metrics.jsonl").exists()


def test_syntax_scores_and_clippy_density(samples_file):
    report = evaluate(read_samples(samples_file), EvalConfig(cache_dir=None), seed=1)
    m = report.metrics
    assert 0.0 <= m["avg_idiomatic_score"] <= 1.0
    assert m["idiomatic_features"]["index_loops"] > 0  # the `for i in 0..v.len()` sample
    assert "feature/index_loops" not in m and "avg_feature/index_loops" not in m
    loop = report.samples[2]["scores"]
    assert loop["clippy_density"] == pytest.approx(100 * 2 / 6, abs=1e-3)
    assert m["doc_comment_rate"] is not None and m["avg_doc_comments"] > 0
    assert set(report.per_problem["add"]) >= {"samples", "compile_rate", "avg_idiomatic_score", "doc_comment_rate"}


def test_self_tests_scorer_runs_the_samples_own_tests(tmp_path):
    with_tests = (
        "fn double(x: i32) -> i32 {\n    x * 2\n}\n\nfn main() {\n    println!(\"{}\", double(2));\n}\n\n"
        "#[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test]\n    fn doubles() {\n        assert_eq!(double(2), 4);\n    }\n\n"
        "    #[test]\n    fn wrong() {\n        assert_eq!(double(2), 5);\n    }\n}\n"
    )
    path = tmp_path / "s.jsonl"
    rows = [{"prompt": "a", "gen": with_tests}, {"prompt": "b", "gen": with_tests.replace("5)", "4)")},
            {"prompt": "c", "gen": "fn main() {\n    let x = 1;\n    println!(\"{}\", x);\n}\n"}]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    config = EvalConfig(scorers=["compile", "self_tests"], cache_dir=None, quality_weights={"compiles": 1.0})
    report = evaluate(read_samples(path), config, seed=1)
    first, second, third = (detail["scores"] for detail in report.samples)
    assert (first["self_tests_pass"], first["self_tests_fraction"]) == (0.0, 0.5)
    assert (second["self_tests_pass"], second["self_tests_fraction"]) == (1.0, 1.0)
    assert math.isnan(third["self_tests_pass"])
    assert report.metrics["avg_self_tests_pass"] == 0.5
