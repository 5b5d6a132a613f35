"""The ``grpo`` stage: online RL (GRPO, TRL) on a problem suite, rewarded by sigil's sandboxed evaluator."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from sigil import (
    ConfigError,
    Problem,
    Section,
    SigilError,
    StageContext,
    StageRef,
    StageResult,
    resolve_suite,
)
from sigil_train.grpo.rewards import check_reward_scorers, reward_scorers

#: Stage types whose ``adapter`` artifact GRPO continues when ``options.warm_start`` names none.
ADAPTER_STAGES = ("sft", "rsft", "grpo")


class GrpoOptions(Section):
    """Options of a ``grpo`` stage entry."""

    warm_start: Annotated[str | None, StageRef()] = Field(
        default=None,
        description="An earlier sft/rsft/grpo stage whose adapter this one continues; default the latest such stage "
        "(or train.load_from; neither: the base model).",
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
    version = "2"  # 2: rewards judged with the pre-filter off
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

    @classmethod
    def uses(cls, config: Any, options: GrpoOptions) -> dict[str, list[str]]:
        """The scorers whose metrics are rewards (their ``reads`` join the fingerprint)."""
        return {"scorers": reward_scorers(config.grpo.rewards)}

    def run(self, ctx: StageContext[GrpoOptions]) -> StageResult:
        from sigil_train.grpo.trainer import GrpoRequest, train_grpo

        config: Any = ctx.config
        problems = load_problems(config.grpo)
        max_steps, epochs = config.grpo.length()
        request = GrpoRequest(
            config=config,
            ctx=ctx,
            problems=problems,
            run_key=ctx.fingerprint,
            max_steps=max_steps,
            epochs=epochs,
            warm_start=starting_point(ctx),
            texts=lambda: tiny_texts(ctx, problems),
        )
        outcome = train_grpo(request)
        return StageResult(artifacts=outcome.artifacts, metrics=outcome.metrics)


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
