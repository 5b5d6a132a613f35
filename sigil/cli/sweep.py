"""Built-in plugin: ``sigil sweep``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import yaml

from sigil.hookspecs import Register, hookimpl
from sigil.sweep.config import SweepConfig


def parse_grid(items: tuple[str, ...]) -> dict[str, list[Any]]:
    grid = {}
    for item in items:
        key, sep, values = item.partition("=")
        if not sep or not key or not values:
            raise click.BadParameter(f"{item!r}: expected KEY=V1,V2,...", param_hint="--grid")
        grid[key] = [yaml.safe_load(value) for value in values.split(",")]
    return grid


@hookimpl
def register_config_sections(register: Register) -> None:
    register("sweep", SweepConfig)


@hookimpl
def register_commands(cli: click.Group) -> None:
    @cli.command()
    @click.argument("pipeline", type=click.Path(dir_okay=False))
    @click.option("--grid", "grid", multiple=True, metavar="KEY=V1,V2", help="Add a grid axis (beside sweep.grid).")
    @click.option("-o", "--override", "overrides", multiple=True, metavar="KEY=VALUE", help="Change a config key.")
    def sweep(pipeline: str, grid: tuple[str, ...], overrides: tuple[str, ...]) -> None:
        """Run a pipeline for every combination of a grid; rank runs by sweep.metric."""
        from sigil.sweep.run import run_sweep

        rows = run_sweep(Path(pipeline), overrides, parse_grid(grid))
        for row in rows:
            click.echo("  ".join(f"{key}={value}" for key, value in row.items()))
