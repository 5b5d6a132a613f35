"""GRPO rewards are the evaluator's verdicts: a hand-made batch through the real sandboxed evaluator."""

from __future__ import annotations

import math

import pytest
from sigil_train.config.sections import GrpoSection
from sigil_train.grpo.rewards import EvaluatorReward, zero_variance_share

import sigil.evaluation.rewards as rewards_module
from sigil import EvalConfig, Problem, Sample, evaluate, reward_scorers
from sigil.errors import SigilError

ADD = Problem(
    name="add",
    prompt="/// Adds two numbers.\nfn add(a: i32, b: i32) -> i32 {\n",
    tests="}\n\nfn main() {\n    assert_eq!(add(1, 2), 3);\n    assert_eq!(add(2, 2), 4);\n}\n",
    stop_tokens=("\n}",),
)
#: Two #[test] functions: the harness counts them, so a half-right answer gets half the tests reward.
DOUBLE = Problem(
    name="double",
    prompt="/// Doubles x.\npub fn double(x: i32) -> i32 {\n",
    tests="}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n    #[test]\n    fn zero() {\n        assert_eq!(double(0), 0);\n"
          "    }\n    #[test]\n    fn two() {\n        assert_eq!(double(2), 4);\n    }\n}\n",
    stop_tokens=("\n}",),
    test_kind="unit",
)
BATCH = [
    (ADD, "    a + b"),                              # compiles, passes, clean
    (ADD, "    a +"),                                # compile error
    (ADD, "    a - b"),                              # compiles, fails its tests
    (ADD, "    let sum = a + b;\n    return sum;"),  # passes, but clippy: let_and_return / needless_return
    (DOUBLE, "    x * 3"),                           # one of two unit tests passes
    (DOUBLE, "    x * 2"),                           # both pass
]
WEIGHTS = {"compile": 0.5, "tests": 1.0, "clippy": 0.05, "idiomatic": 0.1}


@pytest.fixture(scope="module")
def eval_config() -> EvalConfig:
    return EvalConfig(cache_dir=None)


def reward_function(eval_config: EvalConfig, weights: dict[str, float] = WEIGHTS) -> EvaluatorReward:
    return EvaluatorReward({p.name: p for p in (ADD, DOUBLE)}, eval_config, weights, clippy_cap=10, group_size=2,
                           seed=1)


def test_rewards_are_the_evaluators_verdicts(eval_config, monkeypatch):
    calls = []
    real = rewards_module.evaluate
    monkeypatch.setattr(rewards_module, "evaluate", lambda *a, **k: calls.append(len(a[0])) or real(*a, **k))
    reward = reward_function(eval_config)
    logged: dict[str, float] = {}
    got = reward(prompts=[p.prompt for p, _ in BATCH], completions=[c for _, c in BATCH],
                 problem=[p.name for p, _ in BATCH], log_metric=logged.__setitem__)
    assert calls == [len(BATCH)]  # one evaluator call for the whole batch

    # the evaluator on its own, the same samples: the verdicts the rewards must equal
    samples = [Sample(str(i), p.prompt, c, p.name, i, c, p) for i, (p, c) in enumerate(BATCH)]
    standalone = EvalConfig(cache_dir=None, scorers=["compile", "clippy", "idiomatic"], prefilter={"enabled": False})
    report = evaluate(samples, standalone, seed=1, run_tests=True)
    for index, (detail, value) in enumerate(zip(report.samples, got, strict=True)):
        compiles = detail["check"]["compiles"]
        verdict = detail["tests"]
        expected = (0.5 * compiles + 1.0 * verdict["tests_passed"] / verdict["tests_total"]
                    - 0.05 * min(detail["check"]["clippy_warnings"], 10) * compiles
                    + 0.1 * detail["scores"]["idiomatic_score"] * compiles)
        assert value == pytest.approx(expected), index

    passing, broken, failing, warned, half, double = reward.stats.last
    assert (passing["compile"], passing["tests"], passing["clippy"]) == (1.0, 1.0, 0.0)
    assert (broken["compile"], broken["tests"], broken["clippy"], broken["idiomatic"]) == (0.0, 0.0, 0.0, 0.0)
    assert (failing["compile"], failing["tests"]) == (1.0, 0.0)
    assert (warned["compile"], warned["tests"]) == (1.0, 1.0) and warned["clippy"] <= -1.0
    assert (half["compile"], half["tests"]) == (1.0, 0.5)  # partial credit: 1 of 2 #[test]s
    assert double["tests"] == 1.0
    assert got[0] > got[3] > got[2] > got[1]  # clean pass > warned pass > failing > not compiling
    # logged per component: means and the share of prompt groups (pairs here) where it does not vary
    assert logged["rewards/compile"] == pytest.approx(5 / 6)
    assert logged["rewards/compile_zero_std_groups"] == pytest.approx(2 / 3)  # (pass, error) varies
    assert logged["rewards/tests_zero_std_groups"] == pytest.approx(0.0)
    assert reward.stats.calls == 1 and reward.stats.completions == len(BATCH)


def test_the_compile_reward_is_the_compilers_not_the_prefilters(eval_config):
    """A short program the pre-filter would drop (fewer than eval.prefilter.min_lines) still compiles and passes:
    its compile reward says so, consistent with its tests reward."""
    short = Problem(name="one", prompt="fn one() -> i32 {", tests=" }\nfn main() { assert_eq!(one(), 1); }")
    reward = EvaluatorReward({"one": short}, EvalConfig(cache_dir=None, prefilter={"min_lines": 50}),
                             {"compile": 1.0, "tests": 1.0}, clippy_cap=10, group_size=2, seed=1)
    assert reward(prompts=["", ""], completions=[" 1", " 2"], problem=["one", "one"]) == [2.0, 1.0]


def test_a_registered_scorer_metric_is_a_reward(eval_config):
    reward = reward_function(eval_config, {"compile": 1.0, "doc.doc_comments": 0.25})
    got = reward(prompts=["", ""], completions=["    a + b", "    a +"], problem=["add", "add"])
    # the prompt's doc comment counts once; compile error scores 0 for compile, its doc count still counts
    assert got[0] == pytest.approx(1.0 + 0.25 * reward.stats.last[0]["doc.doc_comments"])
    assert reward.stats.last[0]["doc.doc_comments"] >= 1


def test_reward_config_is_checked():
    assert reward_scorers({"compile": 1, "tests": 1}) == ["compile", "clippy"]
    assert reward_scorers({"idiomatic": 1, "panics.panic_density": -1}) == ["compile", "clippy", "idiomatic", "panics"]
    with pytest.raises(ValueError, match="unknown reward 'compiles'"):
        GrpoSection(rewards={"compiles": 1.0})
    with pytest.raises(ValueError, match="non-zero"):
        GrpoSection(rewards={"compile": 0.0})
    with pytest.raises(ValueError, match="does not divide"):
        GrpoSection(num_generations=4, prompts_per_step=1, micro_batch_size=3)
    with pytest.raises(SigilError, match="no-such-scorer"):
        rewards_module.check_reward_scorers({"no-such-scorer.x": 1.0})


def test_zero_variance_share():
    assert zero_variance_share([1, 1, 0, 1, 2, 2], 2) == pytest.approx(2 / 3)
    assert zero_variance_share([], 2) is None
    assert not math.isnan(zero_variance_share([0.5, 0.5], 2) or 0)


def test_loss_types_are_trls():
    """grpo.loss_type offers exactly the loss formulations TRL's GRPOConfig documents as supported."""
    import dataclasses
    import re

    from sigil_train.config.sections import GRPO_LOSS_TYPES
    from trl import GRPOConfig

    help_text = next(f for f in dataclasses.fields(GRPOConfig) if f.name == "loss_type").metadata["help"]
    supported = help_text.split("Supported values are", 1)[1].split(". ", 1)[0]
    assert tuple(re.findall(r"'(\w+)'", supported)) == GRPO_LOSS_TYPES
    assert set(GrpoSection.model_fields["loss_type"].annotation.__args__) == set(GRPO_LOSS_TYPES)
