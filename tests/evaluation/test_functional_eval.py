"""eval.functional and eval.idiomatic_weights: validated, and each key changes what evaluation does."""

import json

import pytest

from sigil.cli import main
from sigil.errors import ConfigError
from sigil.evaluation.config import EvalConfig, FunctionalConfig
from sigil.evaluation.evaluate import evaluate
from sigil.evaluation.functional import exec_options
from sigil.evaluation.samples import read_samples
from sigil.functional import resolve_suite


@pytest.fixture
def suite_samples(tmp_path):
    """Two problems, two samples each: the reference (passes) and the broken variant (fails)."""
    problems = resolve_suite("sigil-basic").problems[:2]
    rows = []
    for problem in problems:
        for index, completion in enumerate([problem.reference, problem.broken_completion()]):
            rows.append({"problem": problem.name, "prompt": problem.prompt, "completion": completion,
                         "gen": problem.prompt + completion + problem.tests, "sample": index})
    path = tmp_path / "samples.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_check_func_reports_pass_at_k(suite_samples, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["eval", str(suite_samples), "--output", str(out), "--no-cache", "--check-func", "--suite", "sigil-basic",
                 "--k", "1,2", "-o", "eval.scorers=[compile]"])
    assert code == 0, capsys.readouterr().err
    block = json.loads((out / "metrics.jsonl").read_text())["pass_at_k"]
    assert (block["pass@1"], block["pass@2"]) == (0.5, 1.0)
    assert block["isolation"] == "bwrap" and block["statuses"] == {"passed": 2, "failed": 2}
    assert len((out / "functional.jsonl").read_text().splitlines()) == 4


def test_functional_keys_reach_the_executor():
    config = EvalConfig(edition="2018", sandbox="none", jobs=1, compile_timeout=7, clippy_timeout=3,
                        functional=FunctionalConfig(optimize=True, run_timeout=2.5, run_cpu_seconds=2, run_memory_mb=256))
    options = exec_options(config)
    assert (options.edition, options.sandbox, options.jobs, options.compile_timeout) == ("2018", "none", 1, 10)
    assert (options.optimize, options.run_timeout, options.run_cpu_seconds, options.run_memory_mb) == (True, 2.5, 2, 256)
    with pytest.raises(ValueError, match="k must be a non-empty list of positive integers"):
        FunctionalConfig(k=[0])


def test_idiomatic_weights_are_validated_and_applied(suite_samples, write_yaml):
    samples = read_samples(suite_samples)
    plain = evaluate(samples, EvalConfig(scorers=["idiomatic"], cache_dir=None), seed=1).metrics
    biased = evaluate(samples, EvalConfig(scorers=["idiomatic"], cache_dir=None, idiomatic_weights={"bias": 0.2}),
                      seed=1).metrics
    assert biased["avg_idiomatic_score"] < plain["avg_idiomatic_score"]
    from sigil.config import load_config

    with pytest.raises(ConfigError, match=r"eval\.idiomatic_weights: .*unknown weight\(s\) \['bogus'\]"):
        load_config(write_yaml("eval: {idiomatic_weights: {bogus: 1.0}}\n"))
