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
    config = EvalConfig(edition="2018", jobs=1, compile_timeout=7, clippy_timeout=3,
                        functional=FunctionalConfig(optimize=True, run_timeout=2.5, run_cpu_seconds=2,
                                                    run_memory_mb=256)).unsandboxed()
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


@pytest.fixture
def reference_completions(tmp_path):
    """Completion-only samples (MultiPL-E's layout): the reference of problems of every test kind, twice each."""
    problems = resolve_suite("sigil-basic").problems
    chosen = [p for kind in ("main", "unit", "io") for p in [q for q in problems if q.test_kind == kind][:2]]
    rows = [{"name": p.name, "completion": p.reference} for p in chosen for _ in range(2)]
    path = tmp_path / "completions.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path, chosen


def test_check_func_compile_checks_the_program_the_tests_run(reference_completions, tmp_path, capsys):
    """#11 item 10: the compile check saw the bare completion (compile_rate 0.0 beside pass@1 1.0)."""
    path, chosen = reference_completions
    out = tmp_path / "out"
    code = main(["eval", str(path), "--output", str(out), "--no-cache", "--check-func", "--suite", "sigil-basic",
                 "-o", "eval.scorers=[compile]"])
    assert code == 0, capsys.readouterr().err
    metrics = json.loads((out / "metrics.jsonl").read_text())
    assert metrics["compile_rate"] == 1.0 and metrics["filtered_samples"] == 0
    assert metrics["pass_at_k"]["pass@1"] == 1.0 and metrics["pass_at_k"]["samples"] == 2 * len(chosen)
    # per sample, the checked code is the whole program, and its verdict sits beside its check
    results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    by_name = {p.name: p for p in chosen}
    for result in results:
        problem = by_name[result["problem"]]
        assert result["code"].startswith(problem.prompt) and result["code"].endswith(problem.tests)
        assert result["check"]["compiles"] and result["tests"]["status"] == "passed"


def test_check_func_honours_sample_n_and_skip_bad_lines(reference_completions, tmp_path, capsys):
    """#11 item 10: --sample-n was ignored by the test pass, and --skip-bad-lines did not reach it (the run failed
    after all the compile work)."""
    path, _ = reference_completions
    with path.open("a") as handle:
        handle.write('{"name": "no_such_problem", "completion": "x"}\n{torn\n')
    out = tmp_path / "out"
    argv = ["eval", str(path), "--output", str(out), "--no-cache", "--check-func", "--suite", "sigil-basic",
            "-o", "eval.scorers=[compile]", "--sample-n", "3"]
    assert main(argv) == 1
    assert "no_such_problem" in capsys.readouterr().err and not out.exists()  # refused before any work
    assert main([*argv, "--skip-bad-lines"]) == 0, capsys.readouterr().err
    metrics = json.loads((out / "metrics.jsonl").read_text())
    assert metrics["total_samples"] == 3 and metrics["pass_at_k"]["samples"] == 3 and metrics["bad_lines"] == 2
    assert len((out / "functional.jsonl").read_text().splitlines()) == 3


def test_check_func_failing_samples_agree_per_sample(suite_samples, tmp_path, capsys):
    """A sample the compiler rejects is compile_error in the test pass too, and is not built a second time."""
    with suite_samples.open("a") as handle:
        problem = resolve_suite("sigil-basic").problems[0]
        handle.write(json.dumps({"problem": problem.name, "completion": "    let x: u8 = \"s\";\n"}) + "\n")
    out = tmp_path / "out"
    assert main(["eval", str(suite_samples), "--output", str(out), "--no-cache", "--check-func", "--suite",
                 "sigil-basic", "-o", "eval.scorers=[compile]"]) == 0, capsys.readouterr().err
    results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [r["check"]["compiles"] for r in results] == [True, True, True, True, False]
    assert [r["tests"]["status"] for r in results] == ["passed", "failed", "passed", "failed", "compile_error"]
    assert "E0308" in results[-1]["tests"]["message"] or "mismatched types" in results[-1]["tests"]["message"]
