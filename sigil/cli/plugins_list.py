"""Built-in plugin: ``sigil plugins``, every plugin with its version and the components it provides."""

from __future__ import annotations

import dataclasses
import json

import click

from sigil.hookspecs import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    @cli.command()
    @click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
    def plugins(as_json: bool) -> None:
        """List installed plugins and what they provide."""
        from sigil.plugins import plugin_infos, plugin_load_failures

        infos = plugin_infos()
        if as_json:
            data = {"plugins": [dataclasses.asdict(info) for info in infos], "failed": plugin_load_failures()}
            click.echo(json.dumps(data, indent=2))
            return
        for info in infos:
            origin = "built-in" if info.builtin else f"{info.distribution} {info.version}"
            click.echo(f"{info.name}  ({origin})")
            for kind, names in info.components.items():
                click.echo(f"    {kind}: {', '.join(names)}")
        for failure in plugin_load_failures():
            click.echo(f"failed: {failure}")
