"""Built-in plugin: ``sigil report RUN_DIR``."""

from __future__ import annotations

from pathlib import Path

import click

from sigil.hookspecs import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    @cli.command()
    @click.argument("run_dir", type=click.Path(file_okay=False))
    @click.option("--html", "html_path", type=click.Path(dir_okay=False), metavar="FILE",
                  help="Also write the report as one self-contained HTML page (charts, examples) to FILE.")
    def report(run_dir: str, html_path: str | None) -> None:
        """Print a Markdown report of a run directory (status, curves, stages, metrics vs targets)."""
        from sigil.io import atomic_write_text
        from sigil.report.gather import gather
        from sigil.report.html import render_html
        from sigil.report.markdown import render_markdown

        gathered = gather(Path(run_dir))
        if html_path is not None:
            atomic_write_text(html_path, render_html(gathered))
        click.echo(render_markdown(gathered), nl=False)
