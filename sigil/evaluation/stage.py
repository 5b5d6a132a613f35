"""Built-in plugin: the ``evaluate`` stage: check and score the samples of a ``generate`` stage (or a file)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from sigil.config.schema import CoreConfig
from sigil.config.section import InputPath, Section
from sigil.evaluation.config import EvalConfig
from sigil.evaluation.evaluate import check_scorers, evaluate_file
from sigil.hookspecs import Register, hookimpl
from sigil.pipeline.stage import StageContext, StageResult


class EvaluateOptions(Section):
    samples: Annotated[str | None, InputPath()] = Field(
        default=None, description="A samples JSONL to evaluate instead of the latest generate stage's output."
    )


class EvaluateStage:
    Options = EvaluateOptions
    config_keys = ("eval", "misc")
    version = "1"

    @classmethod
    def check(cls, config: CoreConfig, options: EvaluateOptions) -> None:
        check_scorers(config.eval.scorers)
        if config.eval.backend == "ray":
            from sigil.ray_backend import check_reachable

            check_reachable(config.eval.ray, "eval.ray")
        if config.eval.functional.enabled and config.eval.functional.suite:
            from sigil.functional import resolve_suite

            resolve_suite(config.eval.functional.suite)

    @classmethod
    def uses(cls, config: CoreConfig, options: EvaluateOptions) -> dict[str, list[str]]:
        return {"scorers": list(config.eval.scorers)}

    def run(self, ctx: StageContext[EvaluateOptions]) -> StageResult:
        if ctx.options.samples:
            path = ctx.options.samples
        else:
            path = str(ctx.input("samples", ("generate", "rsft")).artifact("samples"))
        # in the evaluation worker: the pipeline's process has loaded torch (and maybe a model) in earlier stages
        report, artifacts, _ = evaluate_file(path, ctx.config, ctx.config.misc.seed, ctx.out_dir, in_worker=True)
        ctx.log_metrics(report.metrics)
        ctx.log.info(summary_line(report.metrics))
        from sigil.errors import SigilError
        from sigil.functional.check import harness_failure

        failure = harness_failure(report.metrics)  # logged and written first; the stage still fails
        if failure:
            raise SigilError(f"stage {ctx.spec.name}: {failure}")
        return StageResult(artifacts=artifacts, metrics=report.metrics)


def summary_line(metrics: dict) -> str:
    def show(value: object) -> str:
        return "n/a" if value is None else f"{value}"

    return (
        f"compile_rate {show(metrics['compile_rate'])} (filtered {show(metrics['compile_rate_filtered'])}), "
        f"avg_clippy_warnings {show(metrics['avg_clippy_warnings'])} over {metrics['clippy_samples']} compiling, "
        f"idiomatic {show(metrics.get('avg_idiomatic_score'))}, doc rate {show(metrics.get('doc_comment_rate'))}, "
        f"{metrics['total_samples']} samples ({metrics['isolation']})"
        + "".join(f", {key} {value}" for key, value in metrics.get("pass_at_k", {}).items() if key.startswith("pass@"))
    )


@hookimpl
def register_config_sections(register: Register) -> None:
    register("eval", EvalConfig)


@hookimpl
def register_stages(register: Register) -> None:
    register("evaluate", EvaluateStage)
