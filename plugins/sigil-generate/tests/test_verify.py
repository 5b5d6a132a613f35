"""Verification with the real evaluator: compile verdicts, quality, and a suite problem's tests."""

from __future__ import annotations

import pytest
from sigil_generate.prompts import load_prompts
from sigil_generate.rsft.verify import check_tests_possible, verify
from sigil_generate.stages.sampling import GeneratedSample

from sigil.errors import ConfigError
from sigil.evaluation.config import EvalConfig


@pytest.fixture(scope="module")
def problem_item():
    return load_prompts("sigil-basic", limit=1).items[0]


def test_a_reference_passes_and_a_wrong_answer_compiles_but_fails(problem_item):
    problem = problem_item.suite_problem
    samples = [GeneratedSample(problem_item, 0, problem.reference),
               GeneratedSample(problem_item, 1, problem.broken_completion()),
               GeneratedSample(problem_item, 2, "    this is not rust ((\n")]
    config = EvalConfig(scorers=["compile", "clippy"], cache_dir=None)  # tests run in the sandbox
    result = verify(samples, config, seed=1, run_tests=True)
    good, wrong, garbage = result.verdicts
    assert (good.compiles, good.passed) == (True, True)
    assert (wrong.compiles, wrong.passed) == (True, False)
    assert (garbage.compiles, garbage.passed) == (False, False)
    assert good.quality > garbage.quality
    assert result.metrics["pass_rate"] == round(1 / 3, 4) and result.metrics["compile_rate"] == round(2 / 3, 4)


def test_without_tests_passed_is_unknown(problem_item):
    sample = GeneratedSample(problem_item, 0, problem_item.suite_problem.reference)
    result = verify([sample], EvalConfig(scorers=["compile", "clippy"], cache_dir=None), seed=1, run_tests=False)
    assert result.verdicts[0].passed is None and "pass_rate" not in result.metrics


def test_tests_need_a_suite():
    with pytest.raises(ConfigError, match="not a problem suite"):
        check_tests_possible(EvalConfig(), is_suite=False)
    check_tests_possible(EvalConfig(), is_suite=True)
