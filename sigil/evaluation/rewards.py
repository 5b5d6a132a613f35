"""Rewards from sigil's evaluator: one sandboxed, cached ``evaluate`` call per batch of completions of problems.

The one implementation of sigil's reward, shared by the ``grpo`` stage (TRL) and the ``verifiers`` environment
(PRIME-RL, ``vf-eval``). Each completion continues its problem's prompt; the program judged is the one the
problem's tests build (prompt + completion cut at the stop tokens + tests), exactly as ``sigil eval --check-func``
and RSFT judge it. Components:

- ``compile``: 1 when that program compiles (the evaluator's check), else 0;
- ``tests``: ``tests_passed / tests_total`` from the functional harness's verdict. The harness counts tests for
  ``unit`` problems (each ``#[test]``) and ``io`` problems (each case); a ``main`` problem (one ``fn main`` of
  asserts, the layout of MultiPL-E and of sigil's generated tasks) is one test, pass or fail, so there the partial
  credit between "nothing" and "passes" is the ``compile`` component;
- ``clippy``: minus the number of clippy lints of a compiling program, at most ``clippy_cap`` (0 when it does not
  compile: not compiling is already the missing ``compile`` reward);
- ``idiomatic``: the syntax-tree idiomatic score of a compiling program (0 otherwise, so text that merely looks
  idiomatic earns nothing);
- ``<scorer>.<metric>``: the metric ``metric`` of the registered scorer ``scorer`` (NaN counts 0).

The reward is the weighted sum of the components.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sigil.errors import SigilError
from sigil.evaluation.config import EvalConfig
from sigil.evaluation.evaluate import evaluate, make_evaluator
from sigil.evaluation.samples import Sample
from sigil.evaluation.scorers import SCORERS
from sigil.functional.problems import Problem
from sigil.plugins import registry

#: The components computed from one evaluator call; any other weight key names a registered scorer's metric as
#: ``<scorer>.<metric>``.
REWARD_COMPONENTS = ("compile", "tests", "clippy", "idiomatic")

#: The default weights (the ``grpo`` stage's and the verifiers environment's).
DEFAULT_REWARD_WEIGHTS: dict[str, float] = {"compile": 0.5, "tests": 1.0, "clippy": 0.05, "idiomatic": 0.1}

#: Lints counted at most per completion in the clippy penalty.
DEFAULT_CLIPPY_CAP = 10


def check_reward_weights(weights: dict[str, float]) -> dict[str, float]:
    """``weights`` when every key is a component or ``<scorer>.<metric>`` with a finite weight and one is non-zero,
    else a ValueError naming the key (a pydantic validator's error)."""
    for key, weight in weights.items():
        if key not in REWARD_COMPONENTS and (key.count(".") != 1 or not all(key.split("."))):
            raise ValueError(f"unknown reward {key!r}: use {', '.join(REWARD_COMPONENTS)} or <scorer>.<metric>")
        if not math.isfinite(weight):
            raise ValueError(f"{key}: the weight must be a finite number")
    if not any(weights.values()):
        raise ValueError("at least one reward needs a non-zero weight")
    return weights


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


def check_reward_scorers(weights: dict[str, float], where: str = "grpo.rewards") -> None:
    """Every scorer a reward names must be registered (called before any expensive work); ``where`` names the
    setting in the error."""
    scorers = registry(SCORERS)
    for name in reward_scorers(weights):
        if name not in scorers:
            raise SigilError(f"{where}: {scorers.unknown_message(name)}")


def reward_components(detail: dict[str, Any], weights: dict[str, float], clippy_cap: int) -> dict[str, float]:
    """The components (unweighted) of one evaluated sample (an entry of ``EvalReport.samples``)."""
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
                raise SigilError(f"rewards: {key}: scorer {key.split('.', 1)[0]!r} gave no metric {metric!r}; "
                                 f"it gave: {', '.join(sorted(scores)) or 'none'}")
            value = scores[metric]
            values[key] = float(value) if value is not None and math.isfinite(value) else 0.0
    return values


def reward_total(values: dict[str, float], weights: dict[str, float]) -> float:
    """The reward: the weighted sum of the components."""
    return sum(weights[key] * value for key, value in values.items())


@dataclass
class Reward:
    """One completion's reward: the weighted sum ``total`` of its ``components``, and the evaluator's ``detail``
    (check, scores, test verdict) it was computed from."""

    total: float
    components: dict[str, float]
    detail: dict[str, Any]


class EvaluatorRewards:
    """Rewards of completions of problems, computed by sigil's evaluator in one call per batch.

    :param eval_config: the ``eval`` section: sandbox, cache, limits, idiomatic weights; its scorers are replaced by
        :func:`reward_scorers` and its pre-filter is off: every ``compile`` value is the compiler's verdict (the
        pre-filter's heuristics would score 0 for a short program the harness then builds and passes), and the
        compiler checks every completion in batches instead of the harness building pre-filtered ones one by one
        (2x slower, measured on the grpo stage).
    :param weights: the weight of each component (default :data:`DEFAULT_REWARD_WEIGHTS`); zero weights are dropped.
    :param clippy_cap: lints counted at most in the clippy penalty.
    :param seed: the evaluation's seed (aggregate metrics only; verdicts do not depend on it).
    :param pipeline: the full config, for plugin scorers that read their own section.
    :param in_worker: evaluate in the evaluation worker process (:mod:`sigil.evaluation.worker`): for a caller that
        holds the model being trained, whose own process forks slowly for every compiler and sandbox run.
    """

    def __init__(self, eval_config: EvalConfig, weights: dict[str, float] | None = None,
                 clippy_cap: int = DEFAULT_CLIPPY_CAP, seed: int = 0, pipeline: Any = None,
                 in_worker: bool = False) -> None:
        weights = check_reward_weights(dict(DEFAULT_REWARD_WEIGHTS if weights is None else weights))
        self.eval_config = eval_config.model_copy(update={
            "scorers": reward_scorers(weights),
            "prefilter": eval_config.prefilter.model_copy(update={"enabled": False}),
        })
        self.weights = {key: weight for key, weight in weights.items() if weight}
        self.clippy_cap = clippy_cap
        self.seed = seed
        self.pipeline = pipeline
        self.in_worker = in_worker
        self.calls = 0
        self.evaluator = make_evaluator(self.eval_config)  # built once; its result cache persists across calls

    def __call__(self, problems: Sequence[Problem], completions: Sequence[str]) -> list[Reward]:
        """The reward of each completion (``completions[i]`` continues ``problems[i]``'s prompt), in order, from one
        ``evaluate`` call with the problems' tests."""
        samples = [
            Sample(f"{self.calls}-{index}", problem.prompt, text, problem.name, index, text, problem)
            for index, (problem, text) in enumerate(zip(problems, completions, strict=True))
        ]
        self.calls += 1
        report = evaluate(samples, self.eval_config, seed=self.seed, pipeline=self.pipeline, run_tests=True,
                          evaluator=self.evaluator, in_worker=self.in_worker)
        rewards = []
        for detail in report.samples:
            values = reward_components(detail, self.weights, self.clippy_cap)
            rewards.append(Reward(reward_total(values, self.weights), values, detail))
        return rewards
