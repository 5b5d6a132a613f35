"""Built-in plugin: the ``gate`` stage: stop the pipeline when a metric misses a threshold or regresses.

A gate reads summary metrics of earlier stages (``stage.json``'s ``metrics``, as later stages see them) and fails,
with every failed check in one error line (console, manifest, report), when a value is below ``min``, above
``max``, or worse than another stage's metric by more than ``tolerance``. Usable after any stage: e.g. held-out
pass@1 after RL must not fall below the starting model's, a general-coding suite must not regress.

```yaml
- name: gate
  type: gate
  options:
    checks:
      - {stage: grpo, metric: final_heldout_pass_at_1, min: 0.05}
      - {stage: grpo, metric: final_heldout_pass_at_1, baseline: {stage: rsft, metric: start_heldout_pass_at_1},
         tolerance: 0.02}
      - {stage: eval-general, metric: pass_at_k.pass@1, baseline: {stage: eval-before}, tolerance: 0.01}
```

Stage names are checked before any stage runs (``StageRef``: an unknown or later stage is a config error); a
metric can only be looked up once its stage has run, so a missing metric fails the gate naming what the stage has.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from sigil.config.section import Section, StageRef
from sigil.errors import SigilError
from sigil.hookspecs import Register, hookimpl
from sigil.io import atomic_write_json
from sigil.pipeline.stage import StageContext, StageOutput, StageResult


class MetricRef(Section):
    """A metric of an earlier stage: ``metric`` may be dotted into nested metrics (``pass_at_k.pass@1``)."""

    stage: Annotated[str, StageRef()] = Field(description="An earlier stage.")
    metric: str | None = Field(default=None, description="Its summary metric; default: the check's own metric.")


class GateCheck(Section):
    """One condition on an earlier stage's summary metric."""

    stage: Annotated[str, StageRef()] = Field(description="The earlier stage whose metric is checked.")
    metric: str = Field(description="A summary metric of that stage (dotted for nested ones: pass_at_k.pass@1).")
    min: float | None = Field(default=None, description="Fail when the value is below this.")
    max: float | None = Field(default=None, description="Fail when the value is above this.")
    baseline: MetricRef | None = Field(
        default=None, description="Fail when the value is worse than this earlier stage's metric by more than tolerance."
    )
    tolerance: float = Field(default=0.0, ge=0, description="How much worse than the baseline is still a pass.")
    higher_is_better: bool = Field(
        default=True, description="Direction of 'worse' for the baseline: false for error rates, losses, lints."
    )

    @model_validator(mode="after")
    def _checks_something(self) -> GateCheck:
        if self.min is None and self.max is None and self.baseline is None:
            raise ValueError(f"{self.stage}.{self.metric}: give min, max or baseline")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"{self.stage}.{self.metric}: min {self.min} is above max {self.max}")
        return self


class GateOptions(Section):
    """Options of a ``gate`` stage entry."""

    checks: list[GateCheck] = Field(min_length=1, description="Conditions that must all hold for the pipeline to go on.")
    on_fail: Literal["stop"] = Field(default="stop", description="What a failed check does: stop the pipeline (exit 1).")


def lookup(output: StageOutput, metric: str) -> float:
    """``metric`` (dotted for nested metrics) of a stage's summary, as a number; an error names what there is."""
    value: Any = output.metrics
    for part in _path(metric, value):
        if not isinstance(value, dict) or part not in value:
            known = ", ".join(sorted(output.metrics)) or "none"
            raise SigilError(f"stage {output.name!r} has no metric {metric!r}; it has: {known}")
        value = value[part]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SigilError(f"stage {output.name!r}: metric {metric!r} is {value!r}, not a finite number")
    return float(value)


def _path(metric: str, metrics: dict[str, Any]) -> list[str]:
    # a metric whose own name holds a dot (pass@1.5 never occurs, but a plugin's might) is found whole first
    return [metric] if metric in metrics else metric.split(".")


def verdict(check: GateCheck, upstream: dict[str, StageOutput]) -> tuple[bool, str]:
    """Whether ``check`` holds, and the line that says why."""
    value = lookup(upstream[check.stage], check.metric)
    name = f"{check.stage}.{check.metric} = {value:.6g}"
    if check.min is not None and value < check.min:
        return False, f"{name} is below min {check.min:g}"
    if check.max is not None and value > check.max:
        return False, f"{name} is above max {check.max:g}"
    if check.baseline is not None:
        reference_metric = check.baseline.metric or check.metric
        reference = lookup(upstream[check.baseline.stage], reference_metric)
        where = f"{check.baseline.stage}.{reference_metric} = {reference:.6g}"
        if check.higher_is_better and value < reference - check.tolerance:
            return False, f"{name} regressed below {where} - tolerance {check.tolerance:g}"
        if not check.higher_is_better and value > reference + check.tolerance:
            return False, f"{name} regressed above {where} + tolerance {check.tolerance:g}"
        return True, f"{name} holds against {where} (tolerance {check.tolerance:g})"
    return True, f"{name} within " + " and ".join(
        bound for bound in (f"min {check.min:g}" if check.min is not None else "",
                            f"max {check.max:g}" if check.max is not None else "") if bound)


class GateStage:
    """Checks earlier stages' summary metrics; fails the run (and stops the pipeline) when a check fails."""

    Options = GateOptions
    config_keys = ()
    version = "1"

    def run(self, ctx: StageContext) -> StageResult:
        results = []
        for check in ctx.options.checks:
            passed, why = verdict(check, ctx.upstream)
            ctx.log.info("%s: %s", "pass" if passed else "FAIL", why)
            results.append({"passed": passed, "reason": why, **check.model_dump(mode="json")})
        failed = [result["reason"] for result in results if not result["passed"]]
        if failed:
            raise SigilError(f"gate {ctx.name!r}: {len(failed)} of {len(results)} checks failed: {'; '.join(failed)}")
        atomic_write_json(ctx.out_dir / "gate.json", results)
        return StageResult(artifacts={"gate": "gate.json"}, metrics={"checks": len(results), "passed": len(results)})


@hookimpl
def register_stages(register: Register) -> None:
    register("gate", GateStage)
