"""Built-in plugin: ``sigil config show``, the fully resolved config with every default filled in."""

from __future__ import annotations

import click
import yaml

from sigil.hookspecs import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    @cli.group()
    def config() -> None:
        """Inspect pipeline configs."""

    @config.command()
    @click.argument("pipeline", type=click.Path(dir_okay=False))
    @click.option("-o", "--override", "overrides", multiple=True, metavar="KEY=VALUE", help="Change a config key.")
    def show(pipeline: str, overrides: tuple[str, ...]) -> None:
        """Print the resolved config (YAML), defaults included."""
        from sigil.config import load_config

        config = load_config(pipeline, overrides)
        click.echo(yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False), nl=False)

    @config.command()
    def reference() -> None:
        """Print the config reference (Markdown) for every installed section."""
        from sigil.config.loader import config_model
        from sigil.config.reference import render_reference

        click.echo(render_reference(config_model()), nl=False)
