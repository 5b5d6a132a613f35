"""The ``rsft-heldout`` stage: another stage's model, measured as an arm of an ``rsft`` stage's experiment.

An arm not trained in rounds publishes ``snapshots``: its model after each rsft round's worth of sampled
completions (a ``grpo`` stage with ``options.budget_like: <rsft stage>``). This stage measures every snapshot on
the rsft stage's held-out problems with the code the rsft stage and its control arms use (``heldout_verdicts``),
pairs it with the same starting verdicts (the rsft stage's ``heldout_start``, not measured again), and logs the same
metric names with ``step`` = the snapshot's round (``step = 0``: the shared start), plus ``completions_sampled``.
So the report draws the arm beside rsft and its controls, on the same x-axis.

Resumable: a snapshot whose verdicts file exists is read back. Artifacts: ``rounds`` (per-snapshot metrics).
"""

from __future__ import annotations

import json
import shutil
from typing import Annotated, Any

from pydantic import Field

from sigil import (
    GENERATORS,
    ConfigError,
    NoOptions,
    Section,
    StageContext,
    StageOutput,
    StageRef,
    StageResult,
    atomic_write_json,
    registry,
)
from sigil_generate.model import resolve_base
from sigil_generate.prompts import load_prompts
from sigil_generate.rsft.heldout import VERDICTS, heldout_metrics, read_verdicts
from sigil_generate.rsft.rounds import (
    Heldout,
    budget,
    heldout_summary,
    heldout_verdicts,
    prepare_work_dir,
    summary_metrics,
)
from sigil_generate.stages.control import check_same_budget, mirrored_start
from sigil_generate.stages.inputs import cache_dir, tiny_texts
from sigil_generate.stages.rsft import RsftStage


class HeldoutOptions(Section):
    """Options of an ``rsft-heldout`` stage."""

    model: Annotated[str, StageRef()] = Field(
        description="The earlier stage whose snapshots are measured (a grpo stage with options.budget_like)."
    )


#: The rsft stage's budget settings (``sigil_generate.rsft.rounds.budget``) a measurement depends on: the model
#: name, the seed, the held-out set and its temperature, the sampling and the evaluator. How the measured model was
#: trained is its own stage's business (a grpo stage checks its budget itself).
MEASUREMENT = ("model_name", "misc.", "rsft.heldout", "generate.", "eval.")


class RsftHeldoutStage:
    """Measures an earlier stage's snapshots on an rsft stage's held-out problems, paired with its start."""

    Options = HeldoutOptions
    #: The held-out set, sampling and evaluation settings (the run checks they are the rsft stage's own).
    config_keys = ("model_name", "misc", "eval", "generate", "rsft")
    version = "1"

    @classmethod
    def check(cls, config: Any, options: HeldoutOptions) -> None:
        RsftStage.check(config, NoOptions())
        if not config.rsft.heldout:
            raise ConfigError("rsft-heldout: rsft.heldout is not set; this stage measures a model on the rsft "
                              "stage's held-out problems")

    @classmethod
    def uses(cls, config: Any, options: HeldoutOptions) -> dict[str, list[str]]:
        """The scorers judge the held-out programs, the generator writes them (no trainer: nothing is trained)."""
        return {"scorers": list(config.eval.scorers), "generators": [config.generate.generator]}

    def run(self, ctx: StageContext[HeldoutOptions]) -> StageResult:
        config: Any = ctx.config
        rsft = config.rsft
        generator = registry(GENERATORS).get(config.generate.generator)

        # --- the rsft stage this arm is compared with (its start, its budget) and the snapshots of the same start
        mirrored = ctx.input("rsft", ("rsft",))
        published = mirrored_start(ctx, mirrored)
        check_same_budget(ctx, mirrored, measurement(published["budget"]), measurement(budget(config)))
        measured = ctx.upstream[ctx.options.model]
        snapshots = read_snapshots(ctx, measured, mirrored.name, published["stage"])
        prepare_work_dir(ctx.work_dir, ctx.fingerprint, ctx.log)

        # --- the shared starting model's held-out verdicts: the rsft stage's, not measured again
        start_dir = ctx.work_dir / "round-000"
        start_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(mirrored.artifact("heldout_start"), start_dir / VERDICTS)
        heldout = Heldout(load_prompts(rsft.heldout, rsft.heldout_limit), read_verdicts(start_dir / VERDICTS))
        start_metrics = heldout_metrics(heldout.baseline, None, config.misc.seed)
        ctx.log_metrics({**start_metrics, "completions_sampled": 0}, step=0)
        ctx.log.info("step 0 (start, from %s): %s", mirrored.name, heldout_summary(start_metrics))

        # --- each snapshot on the held-out problems (a measured one is read back), with the round's seed
        history: list[dict[str, Any]] = []
        for entry in snapshots:
            number, path = int(entry["step"]), measured.artifact("snapshots").parent / entry["path"]
            base = resolve_base(config.model_name, path, lambda: tiny_texts(ctx, []), cache_dir(ctx))
            verdicts = heldout_verdicts(ctx, heldout.problems, generator, base, path,
                                        ctx.work_dir / f"round-{number:03d}")
            metrics = {"round": number, "completions_sampled": entry["completions"], "trained": True,
                       **heldout_metrics(verdicts, heldout.baseline, config.misc.seed + number)}
            ctx.log_metrics(metrics, step=number)
            ctx.log.info("step %d (%s completions sampled): %s", number, entry["completions"], heldout_summary(metrics))
            history.append(metrics)

        atomic_write_json(ctx.out_dir / "rounds.json", history)
        return StageResult(artifacts={"rounds": "rounds.json"}, metrics=summary_metrics(start_metrics, history))


def measurement(digests: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in digests.items() if key.startswith(MEASUREMENT)}


def read_snapshots(ctx: StageContext, measured: StageOutput, rsft: str, start: str | None) -> list[dict[str, Any]]:
    """The measured stage's snapshots (``[{"step", "completions", "path"}]``), refused unless they were budgeted
    against this rsft stage and start from its starting model (otherwise the pairing with its start means nothing)."""
    if "snapshots" not in measured.artifacts:
        raise ConfigError(f"stage {ctx.name!r}: options.model {measured.name!r} ({measured.type}) published no "
                          "snapshots; a grpo stage publishes them with options.budget_like: <rsft stage>")
    index = json.loads(measured.artifact("snapshots").read_text())
    if index.get("rsft") != rsft or index.get("start") != start:
        raise ConfigError(f"stage {ctx.name!r}: stage {measured.name!r} was budgeted against {index.get('rsft')!r} "
                          f"starting from {index.get('start')!r}; this stage compares with rsft stage {rsft!r}, which "
                          f"started from {start!r} (set inputs.rsft, or the grpo stage's options.budget_like)")
    return list(index["snapshots"])
