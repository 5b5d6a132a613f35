"""Type stubs for the compiled module ``sigil_evaluator._native``."""

from os import PathLike
from typing import Literal, TypedDict, final

__version__: str

class CheckResult(TypedDict):
    """One sample's result. Lint counts are complete only for samples that compile."""

    status: Literal["ok", "error", "timeout", "rejected"]
    compiles: bool
    error_codes: list[str]
    first_error_kind: str | None
    first_error: str | None
    rustc_warnings: int
    clippy_warnings: int
    lints: dict[str, int]
    reject_reason: str | None
    cached: bool
    duration_ms: float
    isolation: str

@final
class Evaluator:
    """Compile + clippy checks of Rust samples, batched, sandboxed and cached."""

    def __new__(
        cls,
        edition: str = "2021",
        lints: list[str] | None = None,
        pedantic: bool = False,
        sandbox: str = "bwrap",
        jobs: int | None = None,
        batch_size: int = 32,
        compile_timeout: float = 60.0,
        cache_dir: str | PathLike[str] | None = None,
        deps: list[str] | None = None,
    ) -> Evaluator: ...
    @property
    def isolation(self) -> str:
        """The isolation every check runs under: "bwrap" or "none"."""
    @property
    def toolchain_version(self) -> str:
        """rustc and clippy versions."""
    @property
    def jobs(self) -> int:
        """Number of worker threads."""
    def check(self, sources: list[str]) -> list[CheckResult]:
        """Checks `sources`; one result dict per source, in order."""

def extract_code(text: str) -> str:
    """The Rust code in a model reply (```rust fence, untagged fence, or bare text)."""

def prefilter(
    source: str,
    min_length: int = 50,
    min_lines: int = 3,
    check_main: bool = True,
    check_incomplete: bool = True,
) -> str | None:
    """Why `source` would be set aside before compiling, or None."""

def toolchain_info() -> dict[str, str]:
    """Versions and paths of the toolchain the evaluator uses."""
