"""End to end through the sandboxed executor: the built-in suite, its broken variant, a MultiPL-E file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sigil.errors import DataError
from sigil.evaluation.samples import Sample
from sigil.functional.builtin_suites import SUITES_DIR
from sigil.functional.check import check_functional, load_samples
from sigil.functional.execution import ExecOptions
from sigil.functional.problems import assemble, load_suite
from sigil.functional.validate import validate_suite


@pytest.fixture(scope="module")
def suite():  # type: ignore[no-untyped-def]
    return load_suite(SUITES_DIR / "sigil_basic.jsonl")


@pytest.mark.needs_executor
def test_builtin_suite_validates(suite, options: ExecOptions) -> None:  # type: ignore[no-untyped-def]
    report = validate_suite(suite, options)
    assert report.ok, "\n".join(report.lines())
    assert report.isolation == "bwrap"


@pytest.mark.needs_executor
def test_pass_at_k_is_one_for_references_and_zero_for_broken(suite, options: ExecOptions) -> None:  # type: ignore[no-untyped-def]
    def bound(problem, completion, index):  # type: ignore[no-untyped-def]
        return Sample(problem.name, problem.prompt, completion, problem.name, index, completion, problem)

    references = [bound(p, p.reference or "", i) for p in suite.problems for i in range(2)]
    broken = [bound(p, p.broken_completion(), i) for p in suite.problems for i in range(2)]
    good = check_functional(references, ks=[1, 2], options=options)
    bad = check_functional(broken, ks=[1, 2], options=options)
    assert (good["pass@1"], good["pass@2"]) == (1.0, 1.0)
    assert (bad["pass@1"], bad["pass@2"]) == (0.0, 0.0)
    assert good["problems"] == len(suite) and good["statuses"] == {"passed": 2 * len(suite)}
    assert bad["statuses"] == {"failed": 2 * len(suite)}


@pytest.mark.needs_executor
def test_multiple_file_evaluates_end_to_end(tmp_path: Path, multiple_record: dict[str, object]) -> None:
    # MultiPL-E's completions layout: the problem's fields plus a list of completions.
    record = {**multiple_record, "completions": [
        "    a + b\n}\n",             # right
        "    a - b\n}\n",             # wrong answer
        "    a +\n}\n",               # does not compile
        "    loop {}\n}\n",           # hangs
    ]}
    samples_path = tmp_path / "completions.jsonl"
    samples_path.write_text(json.dumps(record) + "\n")
    results_path = tmp_path / "results.jsonl"
    quick = ExecOptions(jobs=2, run_timeout=2.0, run_cpu_seconds=1)
    block = check_functional(load_samples(samples_path), ks=[1, 2], options=quick, results_path=results_path)
    assert block["pass@1"] == pytest.approx(0.25)
    assert block["pass@2"] == pytest.approx(1 - 3 / 6)  # 1 - C(3,2)/C(4,2)
    assert block["statuses"] == {"passed": 1, "failed": 1, "compile_error": 1, "timeout": 1}
    lines = [json.loads(ln) for ln in results_path.read_text().splitlines()]
    assert [ln["status"] for ln in lines] == ["passed", "failed", "compile_error", "timeout"]
    assert "left: -1" in lines[1]["message"]


def test_samples_that_name_no_known_problem_are_refused(tmp_path: Path, suite) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "samples.jsonl"
    path.write_text(json.dumps({"name": "sigil_gcd", "completion": "x"}) + "\n" + json.dumps({"name": "nope", "gen": "x"}) + "\n")
    with pytest.raises(DataError, match=r"samples.jsonl:2: field 'name': no problem 'nope'"):
        load_samples(path, suite)
    path.write_text(json.dumps({"prompt": suite.problems[0].prompt, "gen": "x"}) + "\n")
    assert load_samples(path, suite)[0].task == suite.problems[0]


def test_plain_baseline_agrees_on_a_reference_and_a_broken_variant(suite) -> None:  # type: ignore[no-untyped-def]
    # the benchmark's unsandboxed baseline (bench/exec/plain_runner.py) must judge like the executor it is compared to
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "bench" / "exec" / "plain_runner.py"
    spec = importlib.util.spec_from_file_location("plain_runner", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    run_plain = module.run_plain
    problem = suite.get("sigil_gcd")
    assert run_plain(assemble(problem, problem.reference or "")).status == "passed"
    broken = run_plain(assemble(problem, problem.broken_completion()))
    assert broken.status == "failed" and "right: 6" in broken.message
