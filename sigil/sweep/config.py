"""The ``sweep`` config section."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from sigil.config.section import Section


class SweepConfig(Section):
    """A grid of config values for `sigil sweep`; each combination is one run in its own directory."""

    grid: dict[str, list[Any]] = Field(
        default_factory=dict, description="Dotted config key → values, e.g. {train.lr: [1.0e-4, 5.0e-5]}."
    )
    metric: str = Field(default="compile_rate", description="Metric that ranks runs (from the last stage reporting it).")
    mode: Literal["max", "min"] = Field(default="max", description="Whether a higher or lower metric is better.")

    @field_validator("grid")
    @classmethod
    def _values_are_lists(cls, grid: dict[str, list[Any]]) -> dict[str, list[Any]]:
        for key, values in grid.items():
            if not values:
                raise ValueError(f"grid.{key} has no values")
            if key.startswith(("sweep.", "misc.output_dir")):
                raise ValueError(f"grid.{key}: a sweep cannot vary {key}")
        return grid
