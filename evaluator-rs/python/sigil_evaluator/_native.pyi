"""Type stubs for the compiled module ``sigil_evaluator._native``."""

from os import PathLike
from typing import Any, Literal, final

from sigil_evaluator.results import CheckResult

__all__ = [
    "FORMULA_VERSION",
    "Evaluator",
    "__version__",
    "analyze_rust",
    "crate_kind",
    "default_weights",
    "extract_code",
    "find_panics",
    "prefilter",
    "run_programs",
    "score",
    "split_rust",
    "toolchain_info",
]
__version__: str
FORMULA_VERSION: str

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
        verdict: Literal["check", "build"] = "check",
        crate_type: Literal["auto", "bin", "lib"] = "auto",
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
    @property
    def verdict(self) -> str:
        """What "compiles" means: "check" (`cargo check`) or "build" (`cargo build`)."""
    @property
    def crate_type(self) -> str:
        """How samples are compiled: "auto", "bin" or "lib"."""
    def stats(self) -> dict[str, int]:
        """Compiler runs so far: batches, singles, rustc verdict checks, timeouts, members checked
        again, cache entries rejected as wrong."""
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
    crate_type: Literal["auto", "bin", "lib"] = "auto",
) -> str | None:
    """Why `source` would be set aside before compiling, or None."""

def crate_kind(source: str) -> Literal["bin", "lib"]:
    """How `source` is compiled under `crate_type="auto"`: "bin" with a top-level `fn main`, else "lib"."""

def analyze_rust(
    sources: list[str], strip_tests: bool = False, threads: int | None = None
) -> list[dict[str, Any]]:
    """Facts about each Rust source (code_chars, markers, generated-code shapes, ...); with `strip_tests`,
    the source without its test code first (`content`, None when nothing was removed) and the facts of the rest."""

def split_rust(source: str, max_chars: int) -> list[str]:
    """`source` split at top-level item boundaries into pieces of at most `max_chars` characters."""

def find_panics(source: str, apis: list[str], indexing: bool = False) -> dict[str, Any]:
    """Panicking calls of `apis` (and index expressions): `{"sites": [(api, offset, line, place)], "lines": {...}}`."""

def toolchain_info() -> dict[str, str]:
    """Versions and paths of the toolchain the evaluator uses."""

def score(
    sources: list[str], weights: dict[str, float] | None = None, threads: int | None = None
) -> list[dict[str, Any]]:
    """Idiomatic score, feature counts and documentation statistics of each source (syntax-tree based)."""

def default_weights() -> dict[str, float]:
    """The weights of the idiomatic formula ``FORMULA_VERSION``."""

def run_programs(
    programs: list[dict[str, Any]],
    *,
    optimize: bool = False,
    edition: str = "2021",
    jobs: int | None = None,
    batch_size: int = 16,
    compile_timeout: float = 60.0,
    run_timeout: float = 10.0,
    run_cpu_seconds: int = 5,
    run_memory_mb: int = 512,
    output_bytes: int = 1048576,
    max_processes: int = 64,
    sandbox: Literal["bwrap", "none"] = "bwrap",
) -> dict[str, Any]:
    """Build and run whole programs in the sandbox and judge their tests."""
