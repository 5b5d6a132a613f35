"""The ``eval`` config section: how samples are checked and scored. Flags of ``sigil eval`` map onto it."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from sigil.config.section import NotFingerprinted, Section
from sigil.ray_backend import RayConfig, ray_missing

#: Limits whose default lives in one place, the native evaluator (``sigil_evaluator.Evaluator`` and
#: ``run_programs``): unset here means "the wheel's default", so Python and Rust cannot disagree.
WHEEL_DEFAULT = "unset: the native evaluator's own default"

#: The longest timeout any setting accepts (a day): beyond it a deadline is a typo, and the native evaluator's
#: durations stay representable.
MAX_TIMEOUT = 86_400.0


class PrefilterConfig(Section):
    """Cheap checks that drop hopeless samples before compiling them (they still count in the strict rate)."""

    enabled: bool = Field(default=True, description="Run the pre-filter (`--no-pre-filter` turns it off).")
    min_length: int = Field(default=50, ge=0, description="Minimum code length in characters.")
    min_lines: int = Field(default=3, ge=0, description="Minimum number of non-empty lines.")
    check_main: bool = Field(default=True, description="Require `fn main` (`--pre-filter-no-main-check`).")
    check_incomplete: bool = Field(
        default=True, description="Drop truncated code: unbalanced delimiters, unterminated strings."
    )


class FunctionalConfig(Section):
    """Functional correctness: run each sample against its problem's tests in the sandbox, report pass@k."""

    enabled: bool = Field(default=False, description="Run functional checks (`sigil eval --check-func`).")
    suite: str | None = Field(
        default=None,
        description="Registered suite name or suite file the samples answer; unset: each sample line is a whole problem.",
    )
    k: list[int] = Field(default_factory=lambda: [1], description="The k of pass@k (each ≤ samples per problem).")
    optimize: bool = Field(default=False, description="Build with -O instead of a debug build.")
    run_timeout: float | None = Field(
        default=None,
        gt=0,
        le=MAX_TIMEOUT,
        allow_inf_nan=False,
        description=f"Wall-clock seconds for one program run; {WHEEL_DEFAULT}.",
    )
    run_cpu_seconds: int | None = Field(
        default=None, gt=0, description=f"CPU seconds for one program run; {WHEEL_DEFAULT}."
    )
    run_memory_mb: int | None = Field(
        default=None, gt=0, description=f"Address-space limit of one program run (MB); {WHEEL_DEFAULT}."
    )

    @field_validator("k")
    @classmethod
    def _positive(cls, ks: list[int]) -> list[int]:
        if not ks or any(k < 1 for k in ks):
            raise ValueError("k must be a non-empty list of positive integers")
        return sorted(set(ks))


class EvalConfig(Section):
    """Checking (compile + clippy in one sandboxed pass) and scoring of generated samples."""

    edition: Literal["2015", "2018", "2021", "2024"] = Field(default="2021", description="Rust edition.")
    lints: list[str] | None = Field(
        default=None, description="Lint arguments for clippy (e.g. `-W clippy::pedantic`); default: clippy's defaults."
    )
    pedantic: bool = Field(default=False, description="Also count clippy::pedantic lints.")
    sandbox: Literal["bwrap", "none"] = Field(
        default="bwrap",
        description="Isolation of the compiler and of test runs. Only `bwrap` is accepted here: running untrusted "
        "code unisolated takes the command-line flag `sigil eval --no-sandbox`, which warns every time.",
    )
    jobs: int | None = Field(default=None, ge=1, description="Parallel compiler processes; default all cores.")
    batch_size: int | None = Field(
        default=None, ge=1, description=f"Samples checked per compiler invocation; {WHEEL_DEFAULT}."
    )
    compile_timeout: float | None = Field(
        default=None,
        gt=0,
        le=MAX_TIMEOUT,
        allow_inf_nan=False,
        description=f"Seconds for one compile+clippy pass (also the build of a test run); {WHEEL_DEFAULT}.",
    )
    clippy_timeout: float = Field(
        default=0.0,
        ge=0,
        le=MAX_TIMEOUT,
        allow_inf_nan=False,
        description="Reference flag: extra seconds added to compile_timeout (one pass does both).",
    )
    cache_dir: str | None = Field(
        default="~/.cache/sigil/evaluator", description="Result cache shared across runs; null disables it."
    )
    deps: list[str] = Field(
        default_factory=list, description='Crates available to samples, as Cargo lines: `anyhow = "1"`.'
    )
    verdict: Literal["check", "build"] = Field(
        default="check",
        description="What compiles means: `check` (as `cargo check`, the reference) or `build` (as `cargo build`: "
        "also rejects overflows, unconditional panics and post-monomorphisation errors that only code generation sees).",
    )
    crate_type: Literal["auto", "bin", "lib"] = Field(
        default="auto",
        description="How each sample is compiled: `auto` (a program when it has a top-level `fn main`, else a library), "
        "`bin` or `lib`. The pre-filter's no-main check drops samples only with `bin`.",
    )
    prefilter: PrefilterConfig = Field(default_factory=PrefilterConfig, description="The pre-filter.")
    sample_n: int | None = Field(default=None, ge=1, description="Evaluate a seeded random subset of N samples.")
    max_sample_bytes: int = Field(
        default=16 << 20,
        ge=1024,
        description="Longest sample line read (bytes of JSON); a longer line is malformed (see on_bad_line) and "
        "is never held in memory whole.",
    )
    on_bad_line: Literal["fail", "skip"] = Field(
        default="fail", description="Malformed sample lines: stop with an error, or skip and count them."
    )
    scorers: list[str] = Field(
        default_factory=lambda: ["compile", "clippy", "idiomatic", "doc"],
        description="Registered scorers to run (see `sigil plugins`).",
    )
    idiomatic_weights: dict[str, float] | None = Field(
        default=None,
        description="Weights of the idiomatic score formula (docs/scoring.md); unset keys keep their defaults. "
        "The data stage's idiomatic filters use the same weights.",
    )
    quality_weights: dict[str, float] = Field(
        default_factory=lambda: {"compiles": 0.5, "clippy_clean": 0.2, "idiomatic_score": 0.2, "doc_ratio": 0.1},
        description="Per-sample quality score = weighted mean of these scorer metrics (RSFT keeps by it).",
    )
    save_errors: bool = Field(default=False, description="Write failing samples with their first error.")
    functional: FunctionalConfig = Field(default_factory=FunctionalConfig, description="pass@k on problem suites.")
    # where the work runs, not what it finds: the same results sample by sample, so outside the fingerprint
    backend: Annotated[Literal["local", "ray"], NotFingerprinted()] = Field(
        default="local",
        description="`local` (this machine) or `ray` (samples sharded over a Ray cluster, each worker running the "
        "same evaluator; results identical sample by sample; docs/evaluation.md). `ray` needs `sigil[ray]`.",
    )
    ray: Annotated[RayConfig, NotFingerprinted()] = Field(
        default_factory=RayConfig, description="The Ray cluster and sharding (eval.backend: ray)."
    )

    @field_validator("backend")
    @classmethod
    def _ray_installed(cls, backend: str) -> str:
        if backend == "ray" and (missing := ray_missing()):
            raise ValueError(missing)
        return backend

    @field_validator("sandbox")
    @classmethod
    def _isolated(cls, sandbox: str) -> str:
        # A config file or an override is easy to copy along with its other settings; turning isolation off
        # must be a visible decision on the command line, made again at every run (sigil eval --no-sandbox).
        if sandbox == "none":
            raise ValueError("'none' is not accepted from a config file or override: only the --no-sandbox flag of "
                             "`sigil eval` runs code without isolation")
        return sandbox

    def unsandboxed(self) -> EvalConfig:
        """This section with isolation off: for the explicit ``--no-sandbox`` command-line flag only."""
        return self.model_copy(update={"sandbox": "none"})

    @field_validator("idiomatic_weights")
    @classmethod
    def _known_formula_weights(cls, weights: dict[str, float] | None) -> dict[str, float] | None:
        if weights:
            try:
                from sigil_evaluator import default_weights
            except ImportError:  # checked again by the scorer itself when the wheel is missing here
                return weights
            unknown = sorted(set(weights) - set(default_weights()))
            if unknown:
                raise ValueError(f"unknown weight(s) {unknown}; known: {', '.join(default_weights())}")
        return weights

    @model_validator(mode="after")
    def _weights_are_sane(self) -> EvalConfig:
        if any(weight < 0 for weight in self.quality_weights.values()):
            raise ValueError("quality_weights must be non-negative")
        if self.quality_weights and sum(self.quality_weights.values()) <= 0:
            raise ValueError("quality_weights need a positive sum")
        return self

    @property
    def timeout(self) -> float | None:
        """The compile + clippy pass's timeout: ``compile_timeout`` (or the wheel's default) + ``clippy_timeout``."""
        if self.compile_timeout is None and not self.clippy_timeout:
            return None
        from sigil.evaluation.evaluate import native_default

        base = self.compile_timeout if self.compile_timeout is not None else native_default("Evaluator", "compile_timeout")
        return float(base) + self.clippy_timeout
