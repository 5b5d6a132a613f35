"""The taskset's reward is sigil's evaluator verdict: verifiers' own ``Task.score`` on real traces, through the real
sandboxed evaluator (compile, clippy, the problem's tests)."""

from __future__ import annotations

import asyncio

import pytest
import verifiers.v1 as vf
from sigil_verifiers import SigilRustEnv, SigilRustTaskset, load_environment
from sigil_verifiers.taskset import Batcher, SigilRustTask

from sigil import DEFAULT_REWARD_WEIGHTS, EvalConfig, EvaluatorRewards, SigilError, resolve_suite

pytestmark = pytest.mark.needs_executor

EVAL = {"cache_dir": None}


def trace_of(task: SigilRustTask, answer: str) -> vf.Trace:
    """A finished single-turn trace: the task's prompt, then the model's answer."""
    return vf.Trace(
        task=vf.TraceTask(type=type(task).__name__, data=task.data, key=task.key, hash=task.hash),
        agent=vf.AgentInfo(config=vf.AgentConfig(), name="agent"),
        nodes=[vf.MessageNode(message=vf.UserMessage(content=task.data.prompt)),
               vf.MessageNode(parent=0, message=vf.AssistantMessage(content=answer), sampled=True)],
    )


def test_the_environment_loads_the_suite_with_its_own_env_and_harness():
    env = load_environment(limit=3, eval=EVAL)
    assert isinstance(env, SigilRustEnv) and isinstance(env.taskset, SigilRustTaskset)
    suite = resolve_suite("rust-tasks-train")
    tasks = list(env.taskset)
    assert [t.data.problem for t in tasks] == [p.name for p in suite.problems[:3]]
    assert [t.data.prompt for t in tasks] == [p.prompt for p in suite.problems[:3]]
    assert env.config.agent.runtime.type == "subprocess"  # no Prime sandbox, no tunnel
    assert type(env._harnesses["agent"]).__name__ == "SigilChatHarness"
    heldout = load_environment(suite="rust-tasks-heldout", limit=1, eval=EVAL)
    assert next(iter(heldout.taskset)).data.problem == resolve_suite("rust-tasks-heldout").problems[0].name


def test_a_reference_gets_full_reward_and_a_broken_answer_the_compile_failure_reward():
    env = load_environment(limit=2, eval=EVAL)
    first, second = list(env.taskset)
    reference = resolve_suite("rust-tasks-train").get(first.data.problem).reference
    assert reference

    async def score() -> tuple[vf.Trace, vf.Trace]:
        good, bad = trace_of(first, reference), trace_of(second, "    this is not rust(\n")
        await asyncio.gather(first.score(good), second.score(bad))
        return good, bad

    good, bad = asyncio.run(score())
    weights = DEFAULT_REWARD_WEIGHTS
    assert good.metrics["sigil/compile"] == 1.0 and good.metrics["sigil/tests"] == 1.0
    assert good.metrics["sigil/clippy"] == 0.0 and 0 < good.metrics["sigil/idiomatic"] <= 1
    assert good.reward == pytest.approx(weights["compile"] + weights["tests"]
                                        + weights["idiomatic"] * good.metrics["sigil/idiomatic"])
    # not compiling: every component 0 (clippy and idiomatic count only for a compiling program)
    assert {key: bad.metrics[f"sigil/{key}"] for key in weights} == dict.fromkeys(weights, 0.0)
    assert bad.reward == 0.0


def test_concurrent_rewards_share_evaluator_calls():
    """The first request runs at once; the three that arrive while it runs go together in the next call."""
    suite = resolve_suite("rust-tasks-train")
    problems = list(suite.problems[:4])

    async def score_all() -> tuple[list[float], Batcher]:
        batcher = Batcher(EvaluatorRewards(EvalConfig(cache_dir=None)))
        rewards = await asyncio.gather(*(batcher.score(p, p.reference or "") for p in problems))
        return [r.total for r in rewards], batcher

    totals, batcher = asyncio.run(score_all())
    assert batcher.batches == [1, 3]
    alone = EvaluatorRewards(EvalConfig(cache_dir=None))(problems, [p.reference or "" for p in problems])
    assert totals == [r.total for r in alone]


def test_a_rollout_cancelled_while_its_batch_is_evaluated_leaves_the_others_their_verdicts():
    problems = list(resolve_suite("rust-tasks-train").problems[:3])

    async def run() -> tuple[float, Batcher]:
        batcher = Batcher(EvaluatorRewards(EvalConfig(cache_dir=None)))
        first, second, third = (asyncio.ensure_future(batcher.score(p, p.reference or "")) for p in problems)
        for _ in range(3000):  # the second batch (second and third) has started: at most 30 s
            if batcher.batches == [1, 2]:
                break
            await asyncio.sleep(0.01)
        assert batcher.batches == [1, 2]
        second.cancel()  # its rollout timed out: the third still gets its verdict
        await first
        return (await third).total, batcher

    total, batcher = asyncio.run(run())
    assert batcher.batches == [1, 2]
    assert total == EvaluatorRewards(EvalConfig(cache_dir=None))(problems[2:], [problems[2].reference or ""])[0].total


def test_bad_settings_are_refused_when_the_config_is_read():
    with pytest.raises(ValueError, match="unknown reward 'compiles'"):
        load_environment(limit=1, weights={"compiles": 1.0})
    with pytest.raises(ValueError, match="sandbox"):
        load_environment(limit=1, eval={"sandbox": "docker"})
    env = load_environment(limit=1, weights={"no-such-scorer.metric": 1.0}, eval=EVAL)
    with pytest.raises(SigilError, match="task.weights: .*no-such-scorer"):
        list(env.taskset)  # the tasks load before any rollout
