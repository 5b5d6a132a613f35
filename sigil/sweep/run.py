"""Expand a grid, validate every combination before the first run, run each, rank the results."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sigil.config.loader import load_config
from sigil.config.schema import CoreConfig
from sigil.errors import ConfigError
from sigil.io import atomic_write_json, atomic_write_text
from sigil.pipeline.runner import plan_stages, run_pipeline
from sigil.report.gather import load_manifest


@dataclass
class SweepPoint:
    """One combination of the grid and the config it gives."""

    values: dict[str, Any]
    config: CoreConfig

    @property
    def run_dir(self) -> Path:
        assert self.config.misc.output_dir is not None
        return Path(self.config.misc.output_dir)


def expand_grid(grid: dict[str, list[Any]]) -> list[dict[str, Any]]:
    keys = list(grid)
    return [dict(zip(keys, combination, strict=True)) for combination in itertools.product(*grid.values())]


def slug(values: dict[str, Any]) -> str:
    text = "_".join(f"{key}-{value}" for key, value in values.items())
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text) or "default"


def plan_sweep(path: Path, overrides: Sequence[str], extra_grid: dict[str, list[Any]]) -> tuple[CoreConfig, list[SweepPoint]]:
    """Every run of the sweep, each config validated and planned before anything runs."""
    base = load_config(path, overrides)
    grid = {**base.sweep.grid, **extra_grid}
    if not grid:
        raise ConfigError(f"{path}: sweep.grid is empty and no --grid was given")
    root = Path(base.misc.output_dir or f"runs/{path.stem}")
    points = []
    for values in expand_grid(grid):
        point_overrides = [*overrides, *(f"{k}={json.dumps(v)}" for k, v in values.items())]
        point_overrides.append(f"misc.output_dir={root / slug(values)}")
        try:
            config = load_config(path, point_overrides)
        except ConfigError as exc:
            raise ConfigError(f"sweep point {values}: {exc}") from None
        plan_stages(config, str(path))
        points.append(SweepPoint(values, config))
    return base, points


def final_metric(run_dir: Path, name: str) -> Any:
    """The metric as reported by the last stage of the run that reported it (None if none did)."""
    stages = load_manifest(run_dir).get("stages", {})
    reported = [record["metrics"][name] for record in stages.values() if name in record.get("metrics", {})]
    return reported[-1] if reported else None


def run_sweep(path: Path, overrides: Sequence[str], extra_grid: dict[str, list[Any]]) -> list[dict[str, Any]]:
    base, points = plan_sweep(path, overrides, extra_grid)
    rows = []
    for point in points:
        run_pipeline(point.config, str(path))
        metric = final_metric(point.run_dir, base.sweep.metric)
        rows.append({**point.values, base.sweep.metric: metric, "run_dir": str(point.run_dir)})
    sign = -1 if base.sweep.mode == "max" else 1

    def best_first(row: dict[str, Any]) -> tuple[bool, float]:
        value = row[base.sweep.metric]
        return (value is None, sign * value if value is not None else 0.0)

    ranked = sorted(rows, key=best_first)
    root = Path(base.misc.output_dir or f"runs/{path.stem}")
    atomic_write_json(root / "sweep.json", {"metric": base.sweep.metric, "mode": base.sweep.mode, "runs": ranked})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(ranked[0]))
    writer.writeheader()
    writer.writerows(ranked)
    atomic_write_text(root / "sweep.csv", buffer.getvalue())
    return ranked
