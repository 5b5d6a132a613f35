"""GRPO rewards from sigil's evaluator: one sandboxed, cached ``evaluate`` call per batch of completions.

Each completion continues its problem's prompt; the program judged is the one the problem's tests build (prompt +
completion cut at the stop tokens + tests), exactly as ``sigil eval --check-func`` and RSFT judge it. Components:

- ``compile``: 1 when that program compiles (the evaluator's check), else 0;
- ``tests``: ``tests_passed / tests_total`` from the functional harness's verdict. The harness counts tests for
  ``unit`` problems (each ``#[test]``) and ``io`` problems (each case); a ``main`` problem (one ``fn main`` of
  asserts, the layout of MultiPL-E and of sigil's generated tasks) is one test, pass or fail, so there the partial
  credit between "nothing" and "passes" is the ``compile`` component;
- ``clippy``: minus the number of clippy lints of a compiling program, at most ``grpo.clippy_cap`` (0 when it does
  not compile: not compiling is already the missing ``compile`` reward);
- ``idiomatic``: the syntax-tree idiomatic score of a compiling program (0 otherwise, so text that merely looks
  idiomatic earns nothing);
- ``<scorer>.<metric>``: the metric ``metric`` of the registered scorer ``scorer`` (NaN counts 0).

The reward is the weighted sum (``grpo.rewards``). TRL calls the reward function once per generation batch, so
the evaluator runs once per optimizer step over every completion of the step.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sigil import SCORERS, EvalConfig, Problem, Sample, SigilError, evaluate, make_evaluator, registry
from sigil_train.config.sections import REWARD_COMPONENTS


def reward_scorers(weights: dict[str, float]) -> list[str]:
    """The scorers one reward evaluation runs: compile and clippy always (the report's rates), idiomatic when it is
    weighted, and the scorer of every ``<scorer>.<metric>`` reward."""
    names = ["compile", "clippy"]
    if weights.get("idiomatic"):
        names.append("idiomatic")
    for key in weights:
        if key not in REWARD_COMPONENTS:
            scorer = key.split(".", 1)[0]
            if scorer not in names:
                names.append(scorer)
    return names


def check_reward_scorers(weights: dict[str, float]) -> None:
    """Every scorer a reward names must be registered (called before any stage runs)."""
    scorers = registry(SCORERS)
    for name in reward_scorers(weights):
        if name not in scorers:
            raise SigilError(f"grpo.rewards: {scorers.unknown_message(name)}")


def components(detail: dict[str, Any], weights: dict[str, float], clippy_cap: int) -> dict[str, float]:
    """The weighted components of one evaluated sample (an entry of ``EvalReport.samples``)."""
    check, scores = detail["check"], detail["scores"]
    compiles = bool(check["compiles"])
    values: dict[str, float] = {}
    for key in weights:
        if key == "compile":
            values[key] = float(compiles)
        elif key == "tests":
            verdict = detail.get("tests") or {}
            total = verdict.get("tests_total") or 0
            values[key] = verdict.get("tests_passed", 0) / total if total else 0.0
        elif key == "clippy":
            values[key] = -float(min(check["clippy_warnings"], clippy_cap)) if compiles else 0.0
        elif key == "idiomatic":
            values[key] = float(scores["idiomatic_score"]) if compiles else 0.0
        else:
            metric = key.split(".", 1)[1]
            if metric not in scores:
                raise SigilError(f"grpo.rewards: {key}: scorer {key.split('.', 1)[0]!r} gave no metric {metric!r}; "
                                 f"it gave: {', '.join(sorted(scores)) or 'none'}")
            value = scores[metric]
            values[key] = float(value) if value is not None and math.isfinite(value) else 0.0
    return values


def total(values: dict[str, float], weights: dict[str, float]) -> float:
    return sum(weights[key] * value for key, value in values.items())


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
    :param eval_config: the ``eval`` section: sandbox, cache, limits, idiomatic weights; its scorers are replaced by
        :func:`reward_scorers` and its pre-filter is off (every verdict is the compiler's or the harness's).
    :param weights: ``grpo.rewards``; ``clippy_cap``: ``grpo.clippy_cap``.
    :param group_size: ``grpo.num_generations``: consecutive completions of one prompt (for the zero-variance share).
    :param pipeline: the full config, for plugin scorers that read their own section.
    """

    #: TRL names a reward function by ``__name__``: its mean is logged as ``rewards/sigil/mean``.
    __name__ = "sigil"

    def __init__(self, problems: dict[str, Problem], eval_config: EvalConfig, weights: dict[str, float],
                 clippy_cap: int, group_size: int, seed: int, pipeline: Any = None) -> None:
        self.problems = problems
        # no pre-filter: its heuristics would make `compile` 0 for a program the harness still builds and tests (and
        # a pre-filtered program is built by the harness one by one, not checked in a batch: 2x slower, measured)
        self.eval_config = eval_config.model_copy(update={
            "scorers": reward_scorers(weights),
            "prefilter": eval_config.prefilter.model_copy(update={"enabled": False}),
        })
        self.weights = {key: weight for key, weight in weights.items() if weight}
        self.clippy_cap = clippy_cap
        self.group_size = group_size
        self.seed = seed
        self.pipeline = pipeline
        self.stats = RewardStats()
        self.evaluator = make_evaluator(self.eval_config)  # built once; its cache persists across steps

    def __call__(self, prompts: list[Any], completions: list[Any], problem: list[str], log_metric: Any = None,
                 **_: Any) -> list[float]:
        clock = time.monotonic()
        samples = [
            Sample(f"{self.stats.calls}-{index}", self.problems[name].prompt, text, name, index, text, self.problems[name])
            for index, (name, text) in enumerate(zip(problem, (completion_text(c) for c in completions), strict=True))
        ]
        report = evaluate(samples, self.eval_config, seed=self.seed, pipeline=self.pipeline, run_tests=True,
                          evaluator=self.evaluator)
        values = [components(detail, self.weights, self.clippy_cap) for detail in report.samples]
        rewards = [total(value, self.weights) for value in values]
        self.stats.calls += 1
        self.stats.completions += len(samples)
        self.stats.seconds += time.monotonic() - clock
        self.stats.last = values
        if log_metric is not None:
            for name, value in self.step_metrics(values, problem).items():
                log_metric(name, value)
        return rewards

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
