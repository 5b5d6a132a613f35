"""sigil's problem suites as a verifiers taskset, rewarded by sigil's evaluator.

Each task is one problem of a sigil suite (MultiPL-E layout: a prompt that opens a function, tests that close it);
the model's answer continues the prompt, exactly as a completion in the ``grpo`` stage does, and its reward is
``sigil.EvaluatorRewards``: the program (prompt + answer cut at the problem's stop tokens + tests) built, linted and
tested in sigil's sandbox, the components weighted (``compile``, ``tests``, ``clippy``, ``idiomatic``,
``<scorer>.<metric>``). The components are recorded as the trace's metrics, the weighted sum as its reward.

verifiers scores each rollout on its own (``Task.score``); rollouts that finish while an evaluation runs wait and are
evaluated together in the next ``evaluate`` call (:class:`Batcher`), so concurrent rollouts share calls.
"""

from __future__ import annotations

import asyncio
import functools
import json
import weakref
from collections.abc import Sequence
from typing import Any

import verifiers.v1 as vf
from pydantic import Field, field_validator

from sigil import (
    DEFAULT_CLIPPY_CAP,
    DEFAULT_REWARD_WEIGHTS,
    EvalConfig,
    EvaluatorRewards,
    Problem,
    Reward,
    Suite,
    check_reward_scorers,
    check_reward_weights,
    resolve_suite,
)

DEFAULT_SUITE = "rust-tasks-train"


class SigilRustData(vf.TaskData):
    """One problem: which suite and problem it is (the prompt is ``prompt``; the tests stay on this side)."""

    suite: str = DEFAULT_SUITE
    problem: str = ""


class SigilRustTaskConfig(vf.TaskConfig):
    """How a task is scored (``--env.taskset.task.*``)."""

    weights: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_REWARD_WEIGHTS))
    """Reward weights, as the grpo stage's ``grpo.rewards``: compile, tests, clippy (per lint, a penalty),
    idiomatic, <scorer>.<metric>."""
    clippy_cap: int = Field(DEFAULT_CLIPPY_CAP, gt=0)
    """Lints counted at most per completion in the clippy penalty."""
    eval: dict[str, Any] = Field(default_factory=dict)
    """Settings of sigil's ``eval`` section (sandbox, cache_dir, timeout, jobs, ...); unset keys keep sigil's
    defaults."""

    @field_validator("weights")
    @classmethod
    def _known_weights(cls, weights: dict[str, float]) -> dict[str, float]:
        return check_reward_weights(weights)

    @field_validator("eval")
    @classmethod
    def _valid_eval(cls, settings: dict[str, Any]) -> dict[str, Any]:
        EvalConfig(**settings)  # a bad key or value is an error when the config is read, not at the first reward
        return settings


class SigilRustTask(vf.Task[SigilRustData, vf.State, SigilRustTaskConfig]):
    """A sigil problem; its reward is the evaluator's verdict on the model's answer."""

    @vf.reward(weight=1.0)
    async def sigil(self, trace: vf.Trace) -> float:
        """sigil's reward (the weighted sum); its components go to the trace's metrics as ``sigil/<component>``."""
        reward = await batcher(self.config).score(problem(self.data.suite, self.data.problem), completion_text(trace))
        trace.record_metrics({f"sigil/{key}": value for key, value in reward.components.items()})
        return reward.total


class SigilRustTasksetConfig(vf.TasksetConfig):
    """Which problems load (``--env.taskset.*``)."""

    suite: str = DEFAULT_SUITE
    """A sigil problem suite: a registered name (rust-tasks-train, rust-tasks-heldout, sigil-basic) or a suite JSONL
    file."""
    limit: int | None = Field(None, gt=0)
    """Use only the first N problems."""
    task: SigilRustTaskConfig = SigilRustTaskConfig()


class SigilRustTaskset(vf.Taskset[SigilRustTask, SigilRustTasksetConfig]):
    """The problems of a sigil suite, in the suite's order."""

    def load(self) -> list[SigilRustTask]:
        suite = load(self.config.suite)
        check_reward_scorers(self.config.task.weights, "task.weights")  # before any rollout, not at the first reward
        problems = suite.problems[: self.config.limit] if self.config.limit else suite.problems
        return [
            SigilRustTask(SigilRustData(id=p.name, name=p.name, prompt=p.prompt, suite=self.config.suite, problem=p.name),
                          self.config.task)
            for p in problems
        ]


# --- scoring: one evaluator per task config, one batcher per event loop


@functools.cache
def load(suite: str) -> Suite:
    return resolve_suite(suite)


def problem(suite: str, name: str) -> Problem:
    return load(suite).get(name)


def completion_text(trace: vf.Trace) -> str:
    """The model's answer as it came (``trace.last_reply`` strips it, which would change the program's text)."""
    replies = trace.assistant_messages
    return (replies[-1].content or "") if replies else ""


@functools.cache
def _rewards(config_json: str) -> EvaluatorRewards:
    config = json.loads(config_json)
    return EvaluatorRewards(EvalConfig(**config["eval"]), config["weights"], config["clippy_cap"])


_BATCHERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, Batcher]] = weakref.WeakKeyDictionary()


def batcher(config: SigilRustTaskConfig) -> Batcher:
    """The batcher of this task config in the running event loop (its evaluator is shared across loops)."""
    key = json.dumps({"eval": config.eval, "weights": config.weights, "clippy_cap": config.clippy_cap}, sort_keys=True)
    per_loop = _BATCHERS.setdefault(asyncio.get_running_loop(), {})
    if key not in per_loop:
        per_loop[key] = Batcher(_rewards(key))
    return per_loop[key]


class Batcher:
    """Coalesce concurrent reward requests: the first runs at once; those that arrive while an evaluation runs are
    evaluated together in the next call. No time window: a lone request never waits for company."""

    def __init__(self, rewards: EvaluatorRewards) -> None:
        self.rewards = rewards
        self.pending: list[tuple[Problem, str, asyncio.Future[Reward]]] = []
        self.lock = asyncio.Lock()
        #: the size of every ``evaluate`` call made, in order
        self.batches: list[int] = []

    async def score(self, problem: Problem, completion: str) -> Reward:
        future: asyncio.Future[Reward] = asyncio.get_running_loop().create_future()
        self.pending.append((problem, completion, future))
        async with self.lock:
            if self.pending and not future.done():
                batch, self.pending = self.pending, []
                # shielded: a rollout cancelled while its batch is evaluated (a scoring timeout) does not leave the
                # other rollouts of the batch waiting for a verdict that never comes
                await asyncio.shield(self._evaluate(batch))
        return await future

    async def _evaluate(self, batch: Sequence[tuple[Problem, str, asyncio.Future[Reward]]]) -> None:
        self.batches.append(len(batch))
        try:
            # the evaluator releases the GIL while it compiles and runs; the event loop keeps serving rollouts
            rewards = await asyncio.to_thread(self.rewards, [p for p, _, _ in batch], [c for _, c, _ in batch])
        except Exception as exc:  # every waiting rollout fails with the evaluator's error
            for _, _, future in batch:
                future.set_exception(exc)
            return
        for (_, _, future), reward in zip(batch, rewards, strict=True):
            future.set_result(reward)
