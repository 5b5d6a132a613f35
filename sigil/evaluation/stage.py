"""Built-in plugin: the ``evaluate`` stage: check and score the samples of a ``generate`` stage (or a file)."""

from __future__ import annotations

from pydantic import Field

from sigil.config.schema import CoreConfig
from sigil.config.section import Section
from sigil.evaluation.evaluate import check_scorers, evaluate
from sigil.evaluation.functional import pass_at_k_block
from sigil.evaluation.outputs import write_report
from sigil.evaluation.samples import read_samples, subsample
from sigil.hookspecs import Register, hookimpl
from sigil.pipeline.stage import StageContext, StageResult


class EvaluateOptions(Section):
    samples: str | None = Field(
        default=None, description="A samples JSONL to evaluate instead of the latest generate stage's output."
    )


class EvaluateStage:
    Options = EvaluateOptions
    config_keys = ("eval", "misc")
    version = "1"

    @classmethod
    def check(cls, config: CoreConfig, options: EvaluateOptions) -> None:
        check_scorers(config.eval.scorers)
        if config.eval.functional.enabled and config.eval.functional.suite:
            from sigil.functional import resolve_suite

            resolve_suite(config.eval.functional.suite)

    def run(self, ctx: StageContext) -> StageResult:
        config = ctx.config.eval
        if ctx.options.samples:
            path = ctx.options.samples
        else:
            path = str(ctx.input("samples", ("generate", "rsft")).artifact("samples"))
        bad_lines: list[str] = []
        samples = read_samples(path, skip_bad_lines=config.on_bad_line == "skip", bad_lines=bad_lines)
        samples = subsample(samples, config.sample_n, ctx.config.misc.seed)
        report = evaluate(samples, config, seed=ctx.config.misc.seed, pipeline=ctx.config)
        report.metrics["bad_lines"] = len(bad_lines)
        if config.functional.enabled:
            report.metrics["pass_at_k"] = pass_at_k_block(path, config, ctx.out_dir / "functional.jsonl")
        artifacts = write_report(report, ctx.out_dir, config.save_errors)
        if config.functional.enabled:
            artifacts["functional"] = "functional.jsonl"
        ctx.log_metrics(report.metrics)
        ctx.log.info(summary_line(report.metrics))
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
def register_stages(register: Register) -> None:
    register("evaluate", EvaluateStage)
