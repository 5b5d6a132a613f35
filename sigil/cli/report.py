"""Built-in plugin: ``sigil report RUN_DIR``."""

from __future__ import annotations

from pathlib import Path

import click

from sigil.hookspecs import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    @cli.command()
    @click.argument("run_dir", type=click.Path(file_okay=False))
    def report(run_dir: str) -> None:
        """Print a Markdown report of a run directory (stages, evaluation metrics vs targets)."""
        from sigil.report.render import render_report

        click.echo(render_report(Path(run_dir)), nl=False)
