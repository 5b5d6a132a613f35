"""The plugin: a ``wandb`` config section and the run hooks that feed one W&B run per ``sigil run``.

W&B is imported only when a pipeline names a project, so an installed plugin costs nothing to runs that do not
use it. Non-leading ranks of a multi-process launch never see ``on_run_start``, so they log nothing.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

import sigil
from sigil import Section

#: The figures a report leads with (its targets), copied from the run's last evaluation into the W&B summary.
KEY_FIGURES = ("compile_rate", "avg_clippy_warnings", "avg_idiomatic_score", "doc_comment_rate", "pass_at_k",
               "total_samples")


class WandbSection(Section):
    """Weights & Biases logging of a whole run (the ``sigil-wandb`` plugin)."""

    project: str | None = Field(default=None, description="W&B project; none: nothing is logged to W&B.")
    entity: str | None = Field(default=None, description="W&B entity (user or team); default: your default entity.")
    mode: Literal["online", "offline", "disabled"] = Field(
        default="online", description="offline: write under dir and `wandb sync` later; disabled: log nothing."
    )
    name: str | None = Field(default=None, description="Run name; default: the run directory's name.")
    group: str | None = Field(default=None, description="W&B run group (e.g. a sweep's name).")
    tags: list[str] = Field(default_factory=list, description="W&B run tags.")
    dir: str | None = Field(default=None, description="Where W&B writes its files; default: the run directory.")
    log_artifacts: bool = Field(default=True, description="Record each stage artifact as a W&B artifact by reference.")


#: run directory → the live W&B run (one per `sigil run`; tests may run several in one process).
_runs: dict[str, Any] = {}


@sigil.hookimpl
def register_config_sections(register: Any) -> None:
    register("wandb", WandbSection)


@sigil.hookimpl
def on_run_start(run_dir: str, config: dict[str, Any]) -> None:
    settings = WandbSection.model_validate(config.get("wandb") or {})
    if settings.project is None or settings.mode == "disabled":
        return
    import wandb

    run = wandb.init(
        project=settings.project,
        entity=settings.entity,
        mode=settings.mode,
        name=settings.name or Path(run_dir).name,
        group=settings.group,
        tags=settings.tags or None,
        dir=settings.dir or run_dir,
        config=config,
        reinit="create_new",  # several sigil runs in one process (sweeps, tests) each get their own W&B run
    )
    run.summary["run_dir"] = run_dir
    _runs[run_dir] = (run, settings)


@sigil.hookimpl
def on_metrics(run_dir: str, stage: str, step: int | None, metrics: dict[str, Any]) -> None:
    entry = _runs.get(run_dir)
    if entry is None:
        return
    run, _ = entry
    values = {f"{stage}/{key}": value for key, value in numbers(metrics).items()}
    if not values:
        return
    # each stage counts its own steps (training steps, RSFT rounds): plot a stage's metrics against them
    run.define_metric(f"{stage}/*", step_metric=f"{stage}/step")
    if step is not None:
        values[f"{stage}/step"] = step
    run.log(values)


@sigil.hookimpl
def on_stage_end(ctx: Any, result: Any, error: BaseException | None) -> None:
    entry = _runs.get(str(ctx.run_dir))
    if entry is None:
        return
    run, settings = entry
    run.summary[f"{ctx.name}/status"] = "completed" if error is None else "failed"
    if result is None:
        return
    for key, value in numbers(result.metrics).items():
        run.summary[f"{ctx.name}/{key}"] = value
    if ctx.type == "report":
        for key, value in key_figures(Path(ctx.run_dir)).items():
            run.summary[f"key/{key}"] = value
    if settings.log_artifacts and result.artifacts:
        import wandb

        for key, relative in result.artifacts.items():
            path = (Path(ctx.out_dir) / relative).resolve()
            artifact = wandb.Artifact(name=f"{ctx.name}-{key}", type=ctx.type, metadata={"stage": ctx.name, "key": key})
            # by reference: W&B records where it lies, uploads nothing (adapters and samples can be gigabytes)
            artifact.add_reference(path.as_uri(), name=path.name, checksum=False)
            run.log_artifact(artifact)


@sigil.hookimpl
def on_run_end(run_dir: str, status: str) -> None:
    entry = _runs.pop(run_dir, None)
    if entry is None:
        return
    run, _ = entry
    run.summary["status"] = status
    run.finish(exit_code=0 if status == "completed" else 1)


def numbers(metrics: dict[str, Any], prefix: str = "") -> dict[str, float | int]:
    """The numeric leaves of ``metrics`` (nested dicts joined with ``/``); text, lists and booleans are left out."""
    found: dict[str, float | int] = {}
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            found.update(numbers(value, f"{name}/"))
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and not (
            isinstance(value, float) and math.isnan(value)
        ):
            found[name] = value
    return found


def key_figures(run_dir: Path) -> dict[str, float | int]:
    """The key figures of the run's last completed evaluate stage, as recorded in its manifest."""
    try:
        stages = json.loads((run_dir / "manifest.json").read_text()).get("stages", {})
    except (OSError, ValueError):
        return {}
    evaluations = [record for record in stages.values()
                   if record.get("type") == "evaluate" and record.get("status") == "completed"]
    if not evaluations:
        return {}
    metrics = evaluations[-1].get("metrics", {})
    return numbers({key: metrics[key] for key in KEY_FIGURES if key in metrics})
