"""GRPO rewards: TRL's reward function over sigil's evaluator rewards (``sigil.EvaluatorRewards``, one sandboxed,
cached ``evaluate`` call per batch of completions; the components and their weights are documented there and in
docs/grpo.md). TRL calls the reward function once per generation batch, so the evaluator runs once per optimizer
step over every completion of the step.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sigil import EvalConfig, EvaluatorRewards, Problem


def zero_variance_share(values: Sequence[float], group: int) -> float | None:
    """The share of consecutive groups of ``group`` values that are all equal (GRPO learns nothing from them)."""
    groups = [values[start:start + group] for start in range(0, len(values) - group + 1, group)]
    if not groups:
        return None
    return sum(1 for chunk in groups if max(chunk) - min(chunk) < 1e-9) / len(groups)


@dataclass
class RewardStats:
    """What the reward function did so far: evaluator calls, completions, seconds."""

    calls: int = 0
    completions: int = 0
    seconds: float = 0.0
    #: The components of the last batch, in order (tests compare them with the evaluator's verdicts).
    last: list[dict[str, float]] = field(default_factory=list)


class EvaluatorReward:
    """A TRL reward function (``reward_funcs=[EvaluatorReward(...)]``) whose rewards are the evaluator's verdicts.

    :param problems: the prompt set's problems by name (the dataset's ``problem`` column names them).
    :param eval_config: the ``eval`` section (``sigil.EvaluatorRewards`` turns its pre-filter off and sets its
        scorers); ``weights``: ``grpo.rewards``; ``clippy_cap``: ``grpo.clippy_cap``.
    :param group_size: ``grpo.num_generations``: consecutive completions of one prompt (for the zero-variance share).
    :param pipeline: the full config, for plugin scorers that read their own section.
    """

    #: TRL names a reward function by ``__name__``: its mean is logged as ``rewards/sigil/mean``.
    __name__ = "sigil"

    def __init__(self, problems: dict[str, Problem], eval_config: EvalConfig, weights: dict[str, float],
                 clippy_cap: int, group_size: int, seed: int, pipeline: Any = None) -> None:
        self.problems = problems
        # in the evaluation worker: this process holds the model, and forking it for every compile is slow
        self.rewards = EvaluatorRewards(eval_config, weights, clippy_cap, seed=seed, pipeline=pipeline, in_worker=True)
        self.eval_config = self.rewards.eval_config
        self.weights = self.rewards.weights
        self.group_size = group_size
        self.stats = RewardStats()

    def __call__(self, prompts: list[Any], completions: list[Any], problem: list[str], log_metric: Any = None,
                 **_: Any) -> list[float]:
        clock = time.monotonic()
        texts = [completion_text(c) for c in completions]
        rewards = self.rewards([self.problems[name] for name in problem], texts)
        values = [reward.components for reward in rewards]
        self.stats.calls += 1
        self.stats.completions += len(texts)
        self.stats.seconds += time.monotonic() - clock
        self.stats.last = values
        if log_metric is not None:
            for name, value in self.step_metrics(values, problem).items():
                log_metric(name, value)
        return [reward.total for reward in rewards]

    def step_metrics(self, values: list[dict[str, float]], problem: list[str]) -> dict[str, float]:
        """Per component: its mean and the share of prompt groups where it does not vary."""
        grouped = all(len(set(problem[start:start + self.group_size])) == 1
                      for start in range(0, len(problem), self.group_size))
        metrics: dict[str, float] = {}
        for key in self.weights:
            column = [value[key] for value in values]
            metrics[f"rewards/{key}"] = sum(column) / len(column) if column else 0.0
            share = zero_variance_share(column, self.group_size) if grouped else None
            if share is not None:
                metrics[f"rewards/{key}_zero_std_groups"] = share
        return metrics


def completion_text(completion: Any) -> str:
    """A completion as text: TRL passes a string for a plain prompt, a list of messages for a conversation."""
    if isinstance(completion, str):
        return completion
    return "".join(message.get("content", "") for message in completion)
