"""The plugin's own config section, ``panics:``. Strict like every sigil section: a typo is an error."""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from sigil import Section

_API = re.compile(r"[A-Za-z_][A-Za-z0-9_]*!?")


class PanicsSection(Section):
    """Which calls count as panicking, where they are allowed, and how density is normalised."""

    apis: list[str] = Field(
        default_factory=lambda: ["unwrap", "expect", "panic!", "unreachable!", "todo!", "unimplemented!"],
        description="Panicking APIs: method names (`unwrap`) and macros with their `!` (`panic!`, `assert!`).",
    )
    indexing: bool = Field(default=False, description="Also count `expr[index]` (panics out of bounds; `x[..]` never).")
    allow_in_main: bool = Field(default=True, description="Do not count calls inside the top-level `fn main`.")
    allow_in_tests: bool = Field(
        default=True, description="Do not count calls in `#[cfg(test)]` items and `#[test]` functions."
    )
    per_lines: int = Field(default=100, gt=0, description="`panic_density` is calls per this many counted code lines.")

    @field_validator("apis")
    @classmethod
    def _names(cls, apis: list[str]) -> list[str]:
        for api in apis:
            if not isinstance(api, str) or not _API.fullmatch(api) or api.rstrip("!") == "_":
                raise ValueError(f"{api!r} is not a method name (unwrap) or a macro name with its ! (panic!)")
        return list(dict.fromkeys(apis))

    @model_validator(mode="after")
    def _counts_something(self) -> PanicsSection:
        if not self.apis and not self.indexing:
            raise ValueError("nothing to count: give at least one api or set indexing: true")
        return self
