"""``sigil run``: validate, plan every stage, then run them in order, skipping what is already done.

Read top to bottom: set up → plan → for each stage: skip or run → clean up.
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sigil.config.loader import describe_errors, stage_config
from sigil.config.schema import CoreConfig, StageSpec
from sigil.config.section import StageRef
from sigil.errors import ConfigError, SigilError
from sigil.pipeline.distributed import (
    follower_scratch,
    is_distributed,
    process_rank,
    single_process_env,
    wait_for_leader,
)
from sigil.pipeline.fingerprint import component_reads, config_payload, config_value, digest, fingerprint_data
from sigil.pipeline.rundir import RunDir, now
from sigil.pipeline.stage import STAGES, StageContext, StageOutput, StageResult
from sigil.plugins import hook, registry

log = logging.getLogger("sigil.run")


@dataclass
class PlannedStage:
    """A stage entry resolved against the registry: its type, validated options and its own config."""

    spec: StageSpec
    stage_type: Any
    options: BaseModel
    config: CoreConfig
    #: Every config key the stage's result depends on: its own ``config_keys`` and its components' ``reads``.
    reads: tuple[str, ...] = ()

    def context(
        self,
        run_dir: Path,
        out_dir: Path,
        work_dir: Path,
        upstream: dict[str, StageOutput],
        rank: int = 0,
        fingerprint: str = "",
    ) -> StageContext:
        """The context this stage runs in; on a follower rank (``rank > 0``) it reports no metrics."""
        suffix = f".rank{rank}" if rank else ""
        return StageContext(
            spec=self.spec,
            config=self.config,
            options=self.options,
            run_dir=run_dir,
            out_dir=out_dir,
            work_dir=work_dir,
            upstream=dict(upstream),
            log=logging.getLogger(f"sigil.stage.{self.spec.name}{suffix}"),
            reports_metrics=rank == 0,
            fingerprint=fingerprint,
        )


@dataclass(frozen=True)
class Selection:
    """Which stages must run even if their result is up to date (``--from``, ``--only``, ``--force``)."""

    from_stage: str | None = None
    only: str | None = None
    force: bool = False

    def forced(self, index: int, names: list[str]) -> bool:
        if self.force:
            return True
        if self.only is not None:
            return names[index] == self.only
        if self.from_stage is not None:
            return index >= names.index(self.from_stage)
        return False

    def allowed(self, index: int, names: list[str]) -> bool:
        return self.only is None or names[index] == self.only

    def after_only(self, index: int, names: list[str]) -> bool:
        """With ``--only S``: the stages after S neither run nor need a result, so the run stops after S."""
        return self.only is not None and index > names.index(self.only)

    def runs(self, index: int, names: list[str], previous: StageOutput | None, fingerprint: str) -> bool:
        """Whether the stage at ``index`` runs now, given its last completed result."""
        if not self.allowed(index, names):
            if previous is None:  # an earlier stage whose result --only's stage needs as input
                raise SigilError(
                    f"stage {names[index]!r} has no completed result yet, and stage {self.only!r} comes after it; "
                    f"run {names[index]!r} first (without --only)"
                )
            return False
        up_to_date = previous is not None and previous.fingerprint == fingerprint
        return not up_to_date or self.forced(index, names)


def plan_stages(config: CoreConfig, source: str) -> list[PlannedStage]:
    """Resolve every stage before any work starts, so that a config error costs nothing."""
    stages = registry(STAGES)
    planned = []
    for index, spec in enumerate(config.stages):
        if spec.type not in stages:
            raise ConfigError(f"{source}: stages[{index}].type: {stages.unknown_message(spec.type)}")
        stage_type = stages.get(spec.type)
        try:
            options = stage_type.Options.model_validate(spec.options)
        except ValidationError as exc:
            raise ConfigError(f"{source}: stages[{index}].options: {describe_errors(exc, stage_type.Options)}") from None
        earlier = [stage.name for stage in config.stages[:index]]
        references = {f"inputs.{role}": name for role, name in spec.inputs.items()} | stage_references(options)
        for key, name in references.items():
            if name not in earlier:
                where = "a later stage" if name in (stage.name for stage in config.stages) else "no stage"
                raise ConfigError(
                    f"{source}: stages[{index}] ({spec.name}): {key} names {name!r}, which is {where}; "
                    f"earlier stages: {', '.join(earlier) or 'none'}"
                )
        own_config = stage_config(config, spec, source)
        check = getattr(stage_type, "check", None)
        if check is not None:  # the stage's own cross-field rules, before any stage runs
            try:
                check(own_config, options)
            except SigilError as exc:
                raise ConfigError(f"{source}: stages[{index}] ({spec.name}): {exc}") from None
        uses = getattr(stage_type, "uses", None)
        reads = (*stage_type.config_keys, *component_reads(uses(own_config, options) if uses else {}, registry))
        for key in reads:  # a key nobody can read is a plugin bug; say so before any stage runs
            config_value(own_config, key, spec.type)
        planned.append(PlannedStage(spec, stage_type, options, own_config, tuple(dict.fromkeys(reads))))
    return planned


def stage_references(options: BaseModel, prefix: str = "options") -> dict[str, str]:
    """``options.<field>`` → stage name, for every option field marked ``StageRef`` that is set, also inside nested
    option models and lists of them (``options.checks[0].stage``)."""
    references: dict[str, str] = {}
    for name, field in type(options).model_fields.items():
        value = getattr(options, name)
        if isinstance(value, str) and any(isinstance(item, StageRef) for item in field.metadata):
            references[f"{prefix}.{name}"] = value
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            if isinstance(item, BaseModel):
                where = f"{prefix}.{name}[{index}]" if isinstance(value, list) else f"{prefix}.{name}"
                references |= stage_references(item, where)
    return references


def run_pipeline(config: CoreConfig, source: str, selection: Selection = Selection()) -> dict[str, StageOutput]:
    """Run the pipeline described by ``config``; return every stage's output by name."""
    # --- set up
    plan = plan_stages(config, source)
    names = [planned.spec.name for planned in plan]
    for wanted in (selection.from_stage, selection.only):
        if wanted is not None and wanted not in names:
            raise ConfigError(f"{source}: no stage named {wanted!r}; stages: {', '.join(names)}")
    assert config.misc.output_dir is not None
    run_dir = RunDir(config.misc.output_dir)
    if process_rank() > 0:
        return follow_pipeline(plan, selection, run_dir)
    config_data = config.model_dump(mode="json")

    with run_dir.locked():
        run_dir.write_config(config_data)
        run_dir.start_manifest(seed=config.misc.seed, source=source)
        hook().on_run_start(run_dir=str(run_dir.path), config=config_data)
        status = "failed"
        upstream: dict[str, StageOutput] = {}
        try:
            # --- run each stage in order, or reuse its result when nothing it depends on changed
            for index, planned in enumerate(plan):
                if selection.after_only(index, names):
                    break
                name = planned.spec.name
                fingerprint = stage_fingerprint(planned, upstream)
                previous = run_dir.completed(name)
                if not selection.runs(index, names, previous, fingerprint):
                    log.info("stage %s: up to date, skipped", name)
                    upstream[name] = previous  # type: ignore[assignment]  # runs() is False only with a result
                    continue
                with single_process_env(active=not is_distributed(planned)):
                    upstream[name] = run_stage(planned, fingerprint, upstream, run_dir)
            status = "completed"
        except KeyboardInterrupt:
            status = "interrupted"
            raise
        finally:
            # --- clean up
            run_dir.update_manifest(status=status, finished=now())
            hook().on_run_end(run_dir=str(run_dir.path), status=status)
    return upstream


def run_stage(
    planned: PlannedStage, fingerprint: str, upstream: dict[str, StageOutput], run_dir: RunDir
) -> StageOutput:
    """Run one stage in a fresh partial directory and commit it atomically when it succeeds."""
    name = planned.spec.name
    out_dir, work_dir = run_dir.begin_stage(name)
    ctx = planned.context(run_dir.path, out_dir, work_dir, upstream, fingerprint=fingerprint)
    started, clock = now(), time.monotonic()
    log.info("stage %s (%s): running", name, planned.spec.type)
    hook().on_stage_start(ctx=ctx)
    result: StageResult | None = None
    try:
        result = planned.stage_type().run(ctx)
        for key, relative in result.artifacts.items():
            if not (out_dir / relative).exists():
                raise SigilError(f"stage {name!r} declared artifact {key!r} ({relative}) but did not write it")
    except BaseException as error:
        run_dir.discard_partial(name)
        status = "interrupted" if isinstance(error, KeyboardInterrupt) else "failed"
        run_dir.record_stage(name, {"type": planned.spec.type, "status": status, "started": started, "error": str(error)})
        hook().on_stage_end(ctx=ctx, result=None, error=error)
        raise
    record = {
        "type": planned.spec.type,
        "status": "completed",
        "fingerprint": fingerprint,
        "started": started,
        "finished": now(),
        "finished_at": time.time(),
        "duration_s": round(time.monotonic() - clock, 3),
        "artifacts": result.artifacts,
        "metrics": result.metrics,
    }
    output = run_dir.commit_stage(name, out_dir, record)
    run_dir.record_stage(name, record)
    ctx.out_dir = output.dir
    hook().on_stage_end(ctx=ctx, result=result, error=None)
    log.info("stage %s: completed in %.1fs", name, record["duration_s"])
    return output


def follow_pipeline(plan: list[PlannedStage], selection: Selection, run_dir: RunDir) -> dict[str, StageOutput]:
    """A non-leading rank: take part in distributed stages, wait for rank 0's result of every stage."""
    rank, launched = process_rank(), time.time() - 5.0  # rank 0 may have started a moment earlier
    names = [planned.spec.name for planned in plan]
    upstream: dict[str, StageOutput] = {}
    for index, planned in enumerate(plan):
        if selection.after_only(index, names):
            break
        name = planned.spec.name
        fingerprint = stage_fingerprint(planned, upstream)
        previous = run_dir.completed(name)
        if not selection.runs(index, names, previous, fingerprint):
            upstream[name] = previous  # type: ignore[assignment]
            continue
        if is_distributed(planned):
            scratch, work_dir = follower_scratch(run_dir, name, rank)
            context = planned.context(run_dir.path, scratch, work_dir, upstream, rank=rank, fingerprint=fingerprint)
            planned.stage_type().run(context)
            shutil.rmtree(scratch, ignore_errors=True)
        upstream[name] = wait_for_leader(run_dir, name, fingerprint, not_before=launched)
    return upstream


def stage_fingerprint(planned: PlannedStage, upstream: dict[str, StageOutput]) -> str:
    """A hash of everything the stage's result depends on (see :mod:`sigil.pipeline.fingerprint`)."""
    payload = {
        "type": planned.spec.type,
        "version": planned.stage_type.version,
        "options": fingerprint_data(planned.options),
        "config": config_payload(planned.config, planned.reads, planned.spec.type),
        "upstream": [output.fingerprint for output in upstream.values()],
    }
    inputs_fingerprint = getattr(planned.stage_type, "inputs_fingerprint", None)
    if inputs_fingerprint is not None:
        payload["inputs"] = inputs_fingerprint(planned.config, planned.options)
    return digest(payload)
