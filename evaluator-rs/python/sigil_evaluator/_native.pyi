"""Type stubs for the compiled module ``sigil_evaluator._native``."""

from os import PathLike
from typing import final

from sigil_evaluator.results import CheckResult

__all__ = ["Evaluator", "__version__", "extract_code", "prefilter", "toolchain_info"]
__version__: str

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
