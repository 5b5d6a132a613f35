"""The ``rsft-control`` stage: a control arm of an ``rsft`` stage, to tell verification from more training.

It mirrors one rsft stage (``inputs: {rsft: <stage>}``, default the latest one): it starts from the same model,
and each round it adds as many training records as that rsft round kept and fine-tunes with the same budget
(``rsft.train_steps`` or ``rsft.train_epochs``, ``rsft.accumulate``, the same trainer and ``TrainRequest``), but on
records nobody verified:

- ``arm: gold``: the reference programs of the training prompts (``generate.prompts``, a suite with references,
  or with ``references`` another suite's programs for the same problems, e.g. the pretraining corpus's: more
  training on what the model was trained on), drawn in one seeded order over all rounds (cycling when a run needs
  more than there are prompts);
- ``arm: unfiltered``: the arm model's own samples of those prompts (``rsft.samples_per_prompt`` each, the
  ``generate`` settings and the rsft round's seed), a seeded random pick with no verification.

After every round the model is evaluated on the rsft stage's held-out problems by the same code and compared
with the same starting verdicts (the rsft stage's ``heldout_start``), so every arm logs the same metric names with
``step = round`` (``step = 0``: the shared start). Resumable per round like the rsft stage
(``sigil_generate.rsft.rounds``).

Artifacts: ``adapter`` (the arm's last adapter), ``rounds`` (per-round metrics).
"""

from __future__ import annotations

import dataclasses
import json
import random
import shutil
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from sigil import (
    GENERATORS,
    TRAINERS,
    ConfigError,
    InputPath,
    NoOptions,
    Section,
    SigilError,
    StageContext,
    StageOutput,
    StageResult,
    atomic_write_json,
    registry,
)
from sigil_generate.model import model_ref
from sigil_generate.prompts import PromptItem, PromptSet, load_prompts
from sigil_generate.rsft.heldout import VERDICTS, heldout_metrics, read_verdicts
from sigil_generate.rsft.records import training_records
from sigil_generate.rsft.rounds import (
    Heldout,
    budget,
    fine_tune,
    heldout_summary,
    prepare_work_dir,
    resolve_start,
    run_rounds,
    summary_metrics,
    training_metrics,
)
from sigil_generate.stages.rsft import RsftStage, sample_round
from sigil_generate.stages.sampling import GeneratedSample, sampling_settings

#: Each round's added training records (in its round directory).
ADDED = "added.jsonl"


class ControlOptions(Section):
    """Options of an ``rsft-control`` stage."""

    arm: Literal["gold", "unfiltered"] = Field(
        description="What each round trains on: gold (the training prompts' reference programs) or unfiltered "
        "(the arm model's own samples, unverified)."
    )
    references: Annotated[str | None, InputPath()] = Field(
        default=None,
        description="arm gold: the suite (a registered name or a .jsonl path) whose reference programs are trained on, "
        "matched to the training prompts by problem name and prompt text (default: generate.prompts' own). The "
        "pretraining corpus's suite makes this arm 'more training on the data the model learned from'.",
    )


class RsftControlStage:
    """Same start, same prompts, same budget per round as an rsft stage; trains on gold or unfiltered records."""

    Options = ControlOptions
    #: As the rsft stage: the same sampling, evaluation and training settings (the run checks they are equal).
    config_keys = RsftStage.config_keys
    version = "1"

    @classmethod
    def check(cls, config: Any, options: ControlOptions) -> None:
        """The rsft stage's own checks, a held-out set, and for ``gold`` a reference for every training prompt."""
        RsftStage.check(config, NoOptions())
        if not config.rsft.heldout:
            raise ConfigError("rsft-control: rsft.heldout is not set; a control arm is measured on the rsft "
                              "stage's held-out problems")
        if options.references is not None and options.arm != "gold":
            raise ConfigError(f"rsft-control: references is for arm gold, not arm {options.arm}")
        if options.arm == "gold":
            gold_prompts(load_prompts(config.generate.prompts, config.generate.limit), options.references)

    @classmethod
    def uses(cls, config: Any, options: ControlOptions) -> dict[str, list[str]]:
        return RsftStage.uses(config, NoOptions())

    def run(self, ctx: StageContext[ControlOptions]) -> StageResult:
        config: Any = ctx.config
        rsft, arm = config.rsft, ctx.options.arm
        prompts = load_prompts(config.generate.prompts, config.generate.limit)
        trainer = registry(TRAINERS).get(rsft.trainer)
        generator = registry(GENERATORS).get(config.generate.generator)

        # --- what the mirrored rsft stage did: its start, its budget, how many records each round added
        mirrored = ctx.input("rsft", ("rsft",))
        published = mirrored_start(ctx, mirrored)
        check_same_budget(ctx, mirrored, published["budget"], budget(config))
        counts = [int(m["kept"]) for m in json.loads(mirrored.artifact("rounds").read_text())]
        start = resolve_start(ctx, ctx.upstream[published["stage"]] if published["stage"] else None, prompts)
        prepare_work_dir(ctx.work_dir, ctx.fingerprint, ctx.log)

        # --- the shared starting model's held-out verdicts: the rsft stage's, not measured again
        start_dir = ctx.work_dir / "round-000"
        start_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(mirrored.artifact("heldout_start"), start_dir / VERDICTS)
        heldout = Heldout(load_prompts(rsft.heldout, rsft.heldout_limit), read_verdicts(start_dir / VERDICTS))
        start_metrics = heldout_metrics(heldout.baseline, None, config.misc.seed)
        ctx.log_metrics(start_metrics, step=0)
        ctx.log.info("round 0 (start, from %s): %s", mirrored.name, heldout_summary(start_metrics))

        # --- the rounds: pick as many records as the rsft round kept → fine-tune (→ held-out), each resumable
        golds = gold_picks(gold_prompts(prompts, ctx.options.references).items, counts, config.misc.seed) if arm == "gold" else []

        def work(number: int, round_dir: Path, adapter: Path | None, accumulated: list[dict[str, Any]],
                 earlier: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
            count = counts[number - 1]
            metrics: dict[str, Any] = {"round": number}
            if arm == "gold":
                picked, chat = golds[number - 1], gold_chat(ctx, start.base, adapter, prompts)
            else:
                samples, chat = sample_round(ctx, number, round_dir, prompts, generator, start.base, adapter)
                picked = random.Random(f"{config.misc.seed}/unfiltered/{number}").sample(samples, count)
                metrics["samples"] = len(samples)
            added = training_records(picked, chat, number, source=arm)
            train_records = (accumulated + added) if rsft.accumulate else added
            new_adapter, outcome = fine_tune(ctx, trainer, number, round_dir, train_records, adapter, start.base)
            metrics.update({"added": len(added), "train_records": len(train_records), "trained": bool(train_records)})
            metrics.update(training_metrics(outcome))
            record = {"metrics": metrics, "adapter": str(new_adapter.relative_to(ctx.work_dir)) if new_adapter else None}
            return record, added

        rounds = run_rounds(ctx, start, generator, heldout, work, ADDED, describe)

        # --- publish the arm's last adapter and its round history
        if rounds.adapter is None:
            raise ConfigError(f"rsft-control: the rsft stage {mirrored.name!r} kept nothing in any round and started "
                              "from the base model, so this arm has nothing to train or publish")
        shutil.copytree(rounds.adapter, ctx.out_dir / "adapter")
        history = rounds.history
        atomic_write_json(ctx.out_dir / "rounds.json", history)
        metrics = {**summary_metrics(start_metrics, history), "added_total": sum(m["added"] for m in history)}
        return StageResult(artifacts={"adapter": "adapter", "rounds": "rounds.json"}, metrics=metrics)


def gold_prompts(prompts: PromptSet, references: str | None) -> PromptSet:
    """The training prompts, each with the reference program the gold arm trains on: its own, or the problem of the
    same name in ``references`` (same prompt text). Checked before any work."""
    if references is not None:
        try:
            theirs = {item.problem: item for item in load_prompts(references).items}
        except SigilError as exc:
            raise ConfigError(f"rsft-control references: {exc}") from None
        items = []
        for item in prompts.items:
            other = theirs.get(item.problem)
            if other is None or other.suite_problem is None:
                raise ConfigError(f"rsft-control references: {references} has no problem {item.problem!r} "
                                  f"(a training prompt of generate.prompts {prompts.source})")
            if other.prompt != item.prompt:
                raise ConfigError(f"rsft-control references: {references}: problem {item.problem!r} has another "
                                  f"prompt than in generate.prompts {prompts.source}")
            items.append(dataclasses.replace(item, suite_problem=other.suite_problem))
        prompts = PromptSet(references, tuple(items), prompts.is_suite)
    check_references(prompts, "generate.prompts" if references is None else "references")
    return prompts


def check_references(prompts: PromptSet, key: str) -> None:
    """The gold arm trains on reference programs: every training prompt needs one (checked before any work);
    ``key`` names the setting they come from."""
    if not prompts.is_suite:
        raise ConfigError(f"rsft-control arm gold: {key} {prompts.source} has no reference programs (it is "
                          "not a problem suite); use arm: unfiltered or a suite with references")
    missing = [item.problem for item in prompts.items if item.suite_problem is None or item.suite_problem.reference is None]
    if missing:
        raise ConfigError(f"rsft-control arm gold: {key} {prompts.source}: {len(missing)} of "
                          f"{len(prompts.items)} problems have no reference program, e.g. {missing[0]!r}")


def gold_picks(items: tuple[PromptItem, ...], counts: list[int], seed: int) -> list[list[GeneratedSample]]:
    """Per round, ``counts[round]`` references, taken in one seeded order of the prompts over all rounds (so rounds
    train on different references until every prompt was used); a pass over the prompts numbers its samples."""
    order = list(items)
    random.Random(f"{seed}/gold").shuffle(order)
    picks, taken = [], 0
    for count in counts:
        picked = []
        for index in range(taken, taken + count):
            item = order[index % len(order)]
            assert item.suite_problem is not None and item.suite_problem.reference is not None
            picked.append(GeneratedSample(item, index // len(order), item.suite_problem.reference))
        picks.append(picked)
        taken += count
    return picks


def gold_chat(ctx: StageContext, base: str, adapter: Path | None, prompts: PromptSet) -> bool:
    """Whether gold records are chat turns: as the rsft stage samples this model (``generate.chat_template``)."""
    config: Any = ctx.config
    ref = model_ref(base, adapter)
    return sampling_settings(config.generate, config.misc.seed, prompts.is_suite, trained=ref.prompt_format).chat_template


def mirrored_start(ctx: StageContext, mirrored: StageOutput) -> dict[str, Any]:
    """The rsft stage's published start (its starting stage, its budget)."""
    if "start" not in mirrored.artifacts or "heldout_start" not in mirrored.artifacts:
        raise ConfigError(f"stage {ctx.name!r}: the rsft stage {mirrored.name!r} did not publish its start (a result of an "
                          f"older sigil, or no rsft.heldout): re-run it with --from {mirrored.name}")
    published: dict[str, Any] = json.loads(mirrored.artifact("start").read_text())
    if published["stage"] is not None and published["stage"] not in ctx.upstream:
        raise ConfigError(f"stage {ctx.name!r}: the rsft stage {mirrored.name!r} started from stage "
                          f"{published['stage']!r}, which is not an earlier stage")
    return published


def check_same_budget(ctx: StageContext, mirrored: StageOutput, theirs: dict[str, str], ours: dict[str, str]) -> None:
    """Every budget setting equal to the rsft stage's (a stage ``overrides`` could make them differ)."""
    differing = sorted(key for key in set(theirs) | set(ours) if theirs.get(key) != ours.get(key))
    if differing:
        raise ConfigError(f"stage {ctx.name!r}: its config differs from the rsft stage {mirrored.name!r} in "
                          f"{', '.join(differing)}; an arm is compared with it under the same settings (give both the same "
                          "overrides)")


def describe(metrics: dict[str, Any]) -> str:
    return f"added {metrics['added']} records, trained on {metrics['train_records']}"
