"""The ``grpo`` stage: online RL (GRPO, TRL) on a problem suite, rewarded by sigil's sandboxed evaluator.

With ``options.budget_like: <rsft stage>`` it is an arm of the RSFT experiment (docs/grpo.md, "GRPO beside RSFT"):
it starts from the rsft stage's starting model, samples as many completions in all as that stage did, and saves
its model after every rsft round's worth of completions (artifact ``snapshots``), so a ``heldout`` stage can measure
it on the rsft stage's held-out problems at the same points.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from sigil import (
    ConfigError,
    Problem,
    Section,
    SigilError,
    StageContext,
    StageOutput,
    StageRef,
    StageResult,
    atomic_write_json,
    check_reward_scorers,
    resolve_suite,
    reward_scorers,
)

#: Stage types whose ``adapter`` artifact GRPO continues when ``options.warm_start`` names none.
ADAPTER_STAGES = ("sft", "rsft", "grpo")


class GrpoOptions(Section):
    """Options of a ``grpo`` stage entry."""

    warm_start: Annotated[str | None, StageRef()] = Field(
        default=None,
        description="An earlier sft/rsft/grpo stage whose adapter this one continues; default the latest such stage "
        "(or train.load_from; neither: the base model).",
    )
    budget_like: Annotated[str | None, StageRef()] = Field(
        default=None,
        description="An earlier rsft stage this run is compared with at equal sampled completions: it starts from "
        "that stage's starting model, grpo.max_steps x grpo.prompts_per_step x grpo.num_generations must equal the "
        "completions that stage sampled over its rounds (checked when the stage starts, before any model is "
        "loaded), and the model is saved after every round's worth of completions (artifact snapshots, for a "
        "heldout stage).",
    )


def load_problems(grpo: Any) -> list[Problem]:
    """``grpo.prompts`` (a registered suite or a suite file), the first ``grpo.limit`` problems."""
    try:
        suite = resolve_suite(grpo.prompts)
    except SigilError as exc:
        raise ConfigError(f"grpo.prompts: {exc}") from None
    problems = list(suite.problems[: grpo.limit] if grpo.limit else suite.problems)
    if len(problems) < grpo.prompts_per_step:
        raise ConfigError(f"grpo.prompts: {len(problems)} problems, fewer than grpo.prompts_per_step "
                          f"({grpo.prompts_per_step})")
    return problems


class GrpoStage:
    """GRPO from the latest sft/rsft/grpo adapter (or the base model) on ``grpo.prompts``; publishes the adapter."""

    Options = GrpoOptions
    #: What changes the trained weights: the base, the adapter and optimiser keys (train, lora, bnb_4bit), the
    #: prompts, sampling, loss and reward weights (grpo), the evaluator that judges (eval), the cache of tiny models
    #: (dataset) and the seed (misc).
    config_keys = ("model_name", "dataset", "misc", "train", "lora", "bnb_4bit", "grpo", "eval")
    version = "3"  # 2: rewards judged with the pre-filter off; 3: prompts start with BOS where the tokenizer adds none
    distributed = True

    @classmethod
    def check(cls, config: Any, options: GrpoOptions) -> None:
        if options.warm_start and config.train.load_from:
            raise SigilError("options.warm_start and train.load_from both name a starting point; keep one")
        if config.train.distributed == "fsdp":
            # the GRPO trainer passes no FSDP arguments: its ranks would each hold the whole model, as with ddp
            raise SigilError("train.distributed: fsdp is wired for sft stages only; grpo stages train with ddp")
        check_reward_scorers(config.grpo.rewards)
        load_problems(config.grpo)
        if options.budget_like:
            # what can be known before any stage runs; the rsft stage's own count is read when this stage starts
            if config.grpo.max_steps is None:
                raise ConfigError("options.budget_like: set grpo.max_steps (not grpo.num_epochs): the completions it "
                                  "samples are max_steps x prompts_per_step x num_generations")
            if config.grpo.num_iterations != 1:
                raise ConfigError(f"options.budget_like: grpo.num_iterations is {config.grpo.num_iterations}; at equal "
                                  "sampled completions each generated batch is trained on once (num_iterations: 1)")
            if config.train.load_from:
                raise ConfigError("options.budget_like and train.load_from both name a starting point; the rsft "
                                  "stage's start is this stage's")

    @classmethod
    def uses(cls, config: Any, options: GrpoOptions) -> dict[str, list[str]]:
        """The scorers whose metrics are rewards (their ``reads`` join the fingerprint)."""
        return {"scorers": reward_scorers(config.grpo.rewards)}

    def run(self, ctx: StageContext[GrpoOptions]) -> StageResult:
        from sigil_train.grpo.trainer import GrpoRequest, train_grpo

        config: Any = ctx.config
        problems = load_problems(config.grpo)
        max_steps, epochs = config.grpo.length()
        # --- an arm of the RSFT experiment: the rsft stage's start and budget, checked before any model is loaded
        arm = rsft_budget(ctx) if ctx.options.budget_like else None
        request = GrpoRequest(
            config=config,
            ctx=ctx,
            problems=problems,
            run_key=ctx.fingerprint,
            max_steps=max_steps,
            epochs=epochs,
            warm_start=arm.warm_start if arm is not None else starting_point(ctx),
            texts=lambda: tiny_texts(ctx, problems),
            snapshot_steps=arm.snapshot_steps if arm is not None else (),
        )
        outcome = train_grpo(request)
        listed = outcome.metrics.pop("snapshots", None)  # rank 0 alone reports (and lists) what was saved
        if arm is not None and listed is not None:
            # the snapshots as the rounds they match: snapshot k holds the model after k rounds' worth of completions
            atomic_write_json(ctx.out_dir / SNAPSHOT_INDEX, {
                "start": arm.start,
                "rsft": arm.rsft,
                "completions_per_step": arm.per_step,
                "snapshots": [{"step": number, "completions": entry["optimizer_step"] * arm.per_step, **entry}
                              for number, entry in enumerate(listed, start=1)],
            })
            outcome.artifacts["snapshots"] = SNAPSHOT_INDEX
            outcome.metrics["completions_sampled"] = max_steps * arm.per_step if max_steps else None
        return StageResult(artifacts=outcome.artifacts, metrics=outcome.metrics)


#: The ``snapshots`` artifact: which model directory holds the model after how many sampled completions.
SNAPSHOT_INDEX = "snapshots.json"


@dataclass(frozen=True)
class RsftBudget:
    """What ``options.budget_like`` takes from the rsft stage: its start, and the steps that end each of its rounds."""

    rsft: str
    start: str | None
    warm_start: Path | None
    per_step: int
    snapshot_steps: tuple[int, ...]


def rsft_budget(ctx: StageContext[GrpoOptions]) -> RsftBudget:
    """The rsft stage's published start (``start.json``: the stage it started from) and the completions it sampled
    per round (``rounds.json``: each round's ``samples``); this run must sample as many in all, from the same start.
    One error line names the keys to change."""
    config: Any = ctx.config  # plugin sections are added to the config model at load time
    grpo, name, warm_start = config.grpo, ctx.options.budget_like, ctx.options.warm_start
    assert name is not None
    rsft: StageOutput = ctx.upstream[name]
    if "start" not in rsft.artifacts or "rounds" not in rsft.artifacts:
        raise ConfigError(f"options.budget_like: stage {name!r} ({rsft.type}) published no start and rounds; it must "
                          "be an rsft stage")
    start = json.loads(rsft.artifact("start").read_text())["stage"]
    rounds = [int(m["samples"]) for m in json.loads(rsft.artifact("rounds").read_text())]
    per_step = grpo.prompts_per_step * grpo.num_generations
    ours, theirs = grpo.max_steps * per_step, sum(rounds)
    if ours != theirs:
        raise ConfigError(
            f"options.budget_like {name!r}: grpo.max_steps {grpo.max_steps} x grpo.prompts_per_step "
            f"{grpo.prompts_per_step} x grpo.num_generations {grpo.num_generations} = {ours} sampled completions, but "
            f"stage {name!r} sampled {theirs} (rsft.rounds {len(rounds)} x its prompts x rsft.samples_per_prompt: "
            f"{' + '.join(map(str, rounds))}); make them equal")
    if len(set(rounds)) != 1 or rounds[0] % per_step:
        raise ConfigError(
            f"options.budget_like {name!r}: a snapshot after every rsft round needs each round's completions "
            f"({', '.join(map(str, rounds))}) to be the same multiple of grpo.prompts_per_step x grpo.num_generations "
            f"({per_step})")
    if warm_start and warm_start != start:
        raise ConfigError(f"options.warm_start {warm_start!r}: stage {name!r} started from {start!r}; an arm compared "
                          "with it starts where it started (leave warm_start out)")
    adapter = ctx.upstream[start].artifact("adapter") if start is not None else None
    steps = rounds[0] // per_step
    return RsftBudget(name, start, adapter, per_step, tuple(steps * k for k in range(1, len(rounds) + 1)))


def starting_point(ctx: StageContext) -> Path | None:
    """``options.warm_start``'s adapter, else ``train.load_from``, else the latest sft/rsft/grpo adapter, else None."""
    if ctx.options.warm_start:
        if ctx.options.warm_start not in ctx.upstream:
            raise SigilError(f"options.warm_start: {ctx.options.warm_start!r} is not an earlier stage")
        return ctx.upstream[ctx.options.warm_start].artifact("adapter")
    if ctx.config.train.load_from:
        return Path(ctx.config.train.load_from)
    try:
        return ctx.input("model", ADAPTER_STAGES).artifact("adapter")
    except ConfigError:
        if "model" in ctx.spec.inputs:
            raise
        return None


def tiny_texts(ctx: StageContext, problems: list[Problem]) -> list[str]:
    """A ``sigil-tiny:`` base without a warm start builds its tokenizer from the latest data stage's training split
    (as ``sft`` would), else from the problems' prompts, references and tests."""
    from sigil_train.trainer.trl_trainer import training_texts

    try:
        return training_texts(ctx.input("dataset", ("data", "sft_data")).artifact("train"))
    except ConfigError:
        return [problem.prompt + (problem.reference or "") + problem.tests for problem in problems]
