"""Built-in plugin: ``sigil run`` and ``sigil validate``."""

from __future__ import annotations

import click

from sigil.hookspecs import hookimpl

override_option = click.option(
    "-o", "--override", "overrides", multiple=True, metavar="KEY=VALUE", help="Change a config key, e.g. train.lr=5e-5."
)


@hookimpl
def register_commands(cli: click.Group) -> None:
    @cli.command()
    @click.argument("pipeline", type=click.Path(dir_okay=False))
    @override_option
    @click.option("--from", "from_stage", metavar="STAGE", help="Re-run this stage and every later one.")
    @click.option("--only", metavar="STAGE", help="Run only this stage (earlier ones must be complete).")
    @click.option("--force", is_flag=True, help="Re-run every stage even if its result is up to date.")
    def run(pipeline: str, overrides: tuple[str, ...], from_stage: str | None, only: str | None, force: bool) -> None:
        """Run a pipeline, resuming after the last completed stage."""
        from sigil.config import load_config
        from sigil.pipeline.runner import Selection, run_pipeline

        if from_stage and only:
            raise click.UsageError("--from and --only cannot be combined")
        config = load_config(pipeline, overrides)
        outputs = run_pipeline(config, source=pipeline, selection=Selection(from_stage, only, force))
        click.echo(f"run complete: {config.misc.output_dir} ({len(outputs)} stages)")

    @cli.command()
    @click.argument("pipeline", type=click.Path(dir_okay=False))
    @override_option
    def validate(pipeline: str, overrides: tuple[str, ...]) -> None:
        """Check a pipeline config (keys, values, stages, options) without running anything."""
        from sigil.config import load_config
        from sigil.pipeline.runner import plan_stages

        config = load_config(pipeline, overrides)
        plan = plan_stages(config, source=pipeline)
        click.echo(f"{pipeline}: valid ({len(plan)} stages: {', '.join(p.spec.name for p in plan)})")
