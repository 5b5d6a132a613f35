"""The ``sigil export`` command."""

from __future__ import annotations

from pathlib import Path

import click


def add_export_command(cli: click.Group) -> None:
    """Add ``sigil export`` to the CLI."""

    @cli.command()
    @click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("-O", "--out", "out_dir", required=True, type=click.Path(path_type=Path), help="New directory for the merged model.")
    @click.option("--stage", default=None, help="The sft stage to export (default: the last completed one).")
    @click.option("--dtype", type=click.Choice(["bfloat16", "float16", "float32"]), default="bfloat16", show_default=True)
    @click.option("--push-to-hub", "repo_id", default=None, metavar="REPO",
                  help="Also upload the merged model and its card to this Hub repository (needs a token: HF_TOKEN).")
    @click.option("--private/--public", default=True, show_default=True, help="Visibility of a repository it creates.")
    def export(source: Path, out_dir: Path, stage: str | None, dtype: str, repo_id: str | None, private: bool) -> None:
        """Merge a trained adapter (a run directory or an adapter directory) into its base model."""
        from sigil_train.export.hub import hub_token, push_folder
        from sigil_train.export.merge import export_merged, find_adapter, latest_evaluation

        token = hub_token() if repo_id else None  # before the merge: a missing token is not worth minutes
        adapter = find_adapter(source, stage)
        evaluation = latest_evaluation(source, adapter) if adapter.parent.parent == source / "stages" else None
        result = export_merged(adapter, out_dir, dtype, warn=lambda message: click.echo(message, err=True),
                               evaluation=evaluation)
        click.echo(f"exported {adapter} -> {result}")
        if repo_id and token:
            click.echo(f"pushed {result} -> {push_folder(result, repo_id, token, private)}")
