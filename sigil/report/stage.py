"""Built-in plugin: the ``report`` stage."""

from __future__ import annotations

from sigil.hookspecs import Register, hookimpl
from sigil.io import atomic_write_text
from sigil.pipeline.stage import NoOptions, StageContext, StageResult
from sigil.report.gather import gather
from sigil.report.html import render_html
from sigil.report.markdown import render_markdown


class ReportStage:
    """Writes report.md and report.html (one self-contained page) summarising every earlier stage of the run."""

    Options = NoOptions
    config_keys = ()
    version = "3"

    def run(self, ctx: StageContext[NoOptions]) -> StageResult:
        report = gather(ctx.run_dir, writing_stage=ctx.name)
        atomic_write_text(ctx.out_dir / "report.md", render_markdown(report))
        atomic_write_text(ctx.out_dir / "report.html", render_html(report))
        ctx.log.info("report: %s (and report.html)", ctx.run_dir / "stages" / ctx.name / "report.md")
        return StageResult(artifacts={"report": "report.md", "html": "report.html"})


@hookimpl
def register_stages(register: Register) -> None:
    register("report", ReportStage)
