"""The ``sft`` stage: train on the data stage's output and publish the adapter, its arguments and card."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from sigil import TRAINERS, Section, SigilError, StageContext, StageRef, StageResult, registry
from sigil_train.config.sections import check_fsdp, config_length
from sigil_train.trainer.protocol import TrainRequest


class SftOptions(Section):
    """Options of an ``sft`` stage entry."""

    trainer: str = Field(default="trl", description="A registered trainer (see `sigil plugins`).")
    phase: int | None = Field(default=None, ge=1, description="Training phase, recorded in the model card.")
    warm_start: Annotated[str | None, StageRef()] = Field(
        default=None, description="An earlier sft/rsft stage whose adapter this one continues (instead of train.load_from)."
    )


class SftStage:
    """Supervised fine-tuning of ``model_name`` on the latest ``data`` stage's train/validation splits."""

    Options = SftOptions
    #: Everything that changes the trained weights: the base, sequence shape and packing, the data selection,
    #: every training/adapter/quantisation key (sequence length, packing, warm start), and misc (the seed).
    config_keys = ("model_name", "dataset", "train", "lora", "bnb_4bit", "misc")
    version = "1"
    #: Under torchrun every rank trains (DDP, or FSDP with train.distributed); rank 0 alone writes the adapter,
    #: card and metrics.
    distributed = True

    @classmethod
    def check(cls, config: Any, options: SftOptions) -> None:
        if options.warm_start and config.train.load_from:
            raise SigilError("options.warm_start and train.load_from both name a starting point; keep one")
        check_fsdp(config)

    @classmethod
    def uses(cls, config: Any, options: SftOptions) -> dict[str, list[str]]:
        return {"trainers": [options.trainer]}

    def run(self, ctx: StageContext[SftOptions]) -> StageResult:
        # --- starting point: an earlier stage's adapter (options.warm_start) or train.load_from, passed explicitly
        warm_start: Path | None = Path(ctx.config.train.load_from) if ctx.config.train.load_from else None
        if ctx.options.warm_start:
            if ctx.options.warm_start not in ctx.upstream:
                raise SigilError(f"options.warm_start: {ctx.options.warm_start!r} is not an earlier stage")
            warm_start = ctx.upstream[ctx.options.warm_start].artifact("adapter")
        max_steps, epochs = config_length(ctx.config.train)  # train.num_epochs, else train.max_steps
        data = ctx.input("dataset", ("data",))
        train_path = data.artifact("train")
        validation_path = data.artifact("validation") if "validation" in data.artifacts else None
        trainer = registry(TRAINERS).get(ctx.options.trainer)
        request = TrainRequest(
            config=ctx.config,
            ctx=ctx,
            train_path=train_path,
            validation_path=validation_path,
            phase=ctx.options.phase,
            # checkpoints resume only under the same fingerprint: options, every config key this stage and its
            # trainer read, the warm start's content, the upstream results; not where the run directory lives
            run_key=ctx.fingerprint,
            max_steps=max_steps,
            epochs=epochs,
            warm_start=warm_start,
        )
        outcome = trainer.train(request)
        return StageResult(artifacts=outcome.artifacts, metrics=outcome.metrics)

