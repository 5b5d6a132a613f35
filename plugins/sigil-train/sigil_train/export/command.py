"""The ``sigil export`` command."""

from __future__ import annotations

from pathlib import Path

import click


def add_export_command(cli: click.Group) -> None:
    """Add ``sigil export`` to the CLI."""

    @cli.command()
    @click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("-o", "--out", "out_dir", required=True, type=click.Path(path_type=Path), help="New directory for the merged model.")
    @click.option("--stage", default=None, help="The sft stage to export (default: the last completed one).")
    @click.option("--dtype", type=click.Choice(["bfloat16", "float16", "float32"]), default="bfloat16", show_default=True)
    def export(source: Path, out_dir: Path, stage: str | None, dtype: str) -> None:
        """Merge a trained adapter (a run directory or an adapter directory) into its base model."""
        from sigil_train.export.merge import export_merged, find_adapter, latest_evaluation

        adapter = find_adapter(source, stage)
        evaluation = latest_evaluation(source, adapter) if adapter.parent.parent == source / "stages" else None
        result = export_merged(adapter, out_dir, dtype, warn=lambda message: click.echo(message, err=True),
                               evaluation=evaluation)
        click.echo(f"exported {adapter} -> {result}")
