"""Built-in plugin: the ``report`` stage."""

from __future__ import annotations

from sigil.hookspecs import Register, hookimpl
from sigil.io import atomic_write_text
from sigil.pipeline.stage import NoOptions, StageContext, StageResult
from sigil.report.render import render_report


class ReportStage:
    """Writes report.md summarising every earlier stage of the run (as recorded in the manifest)."""

    Options = NoOptions
    config_keys = ()
    version = "1"

    def run(self, ctx: StageContext) -> StageResult:
        text = render_report(ctx.run_dir)
        atomic_write_text(ctx.out_dir / "report.md", text)
        ctx.log.info("report: %s", ctx.run_dir / "stages" / ctx.name / "report.md")
        return StageResult(artifacts={"report": "report.md"})


@hookimpl
def register_stages(register: Register) -> None:
    register("report", ReportStage)

