"""The shape of one check result (what ``Evaluator.check`` returns per sample)."""

from typing import Literal, TypedDict


class CheckResult(TypedDict):
    """One sample's result.

    ``status`` is "ok" (compiles), "error", "timeout" or "rejected" (binary, too large, not
    UTF-8: never compiled, see ``reject_reason``). ``compiles`` is rustc's verdict: clippy's deny-level
    lints (e.g. ``clippy::approx_constant``) are lints, counted in ``clippy_errors`` and by name in
    ``lints``, never a compile failure. Warning counts and ``lints`` are complete only
    for samples that compile: rustc skips its late lint passes, where most of clippy runs, once a
    crate has errors. ``duration_ms`` is the compiler time attributed to the sample (a batch's time
    is shared among its members); ``isolation`` is "bwrap" or "none".
    """

    status: Literal["ok", "error", "timeout", "rejected"]
    compiles: bool
    error_codes: list[str]
    first_error_kind: str | None
    first_error: str | None
    rustc_warnings: int
    clippy_warnings: int
    clippy_errors: int
    lints: dict[str, int]
    reject_reason: str | None
    cached: bool
    duration_ms: float
    isolation: str
