"""The ``dataset`` config section: where training data comes from and which records are kept.

Key names follow the reference system so its configs load unchanged; sigil's own keys are marked.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from sigil.config.section import NotFingerprinted, Section
from sigil.ray_backend import RayConfig, ray_missing

#: What ``exclude_low_quality`` can drop a file for (sigil.data.checks.low_quality.MARKERS).
LowQualityMarker = Literal["debug_print", "todo_macro", "todo_comment", "unsafe", "allow"]


class ColumnMap(Section):
    """Which column of a source holds what. Missing columns are simply absent from the record."""

    content: str = Field(default="content", description="Source code of a file (raw code training).")
    path: str = Field(default="path", description="File path inside its repository, used by path filters.")
    prompt: str = Field(default="prompt", description="Instruction/prompt (prompt/completion training).")
    gen: str = Field(default="gen", description="Completion for the prompt.")
    text: str = Field(default="text", description="Fallback text column used when `content` is absent.")


class DataRayConfig(RayConfig):
    """The Ray cluster and sharding of the record-scope filters."""

    shard_size: int = Field(default=1024, ge=1, description="Records per Ray task (filtering a record costs far "
                            "less than checking a sample: larger shards amortise the per-task overhead).")


class DatasetConfig(Section):
    """Sources, split and filters of the ``data`` stage."""

    names: list[str] = Field(
        default_factory=lambda: ["builtin:tiny-rust"],
        description="Sources: hub names, `local:`/`parquet:`/`dir:` prefixes, or plain file/directory paths.",
    )
    split: str = Field(default="train", description="Split to read from hub datasets.")
    validation_split: float = Field(
        default=0.05, ge=0.0, lt=1.0, description="sigil: fraction of records held out for validation."
    )
    columns: ColumnMap = Field(default_factory=ColumnMap, description="sigil: column mapping.")
    streaming: bool = Field(default=False, description="sigil: stream hub datasets instead of downloading.")
    max_records: int | None = Field(default=None, gt=0, description="sigil: stop reading a source after N.")
    min_length: int = Field(
        default=50, ge=0,
        description="Drop files with fewer code characters than this (non-whitespace, outside comments).",
    )
    max_length: int = Field(
        default=100_000, gt=0,
        description="Longest training text (characters): longer files are split at item boundaries "
        "(split_long_files), or dropped.",
    )
    split_long_files: bool = Field(
        default=True,
        description="sigil: cut files over max_length into pieces at top-level item boundaries instead of "
        "dropping them.",
    )
    exclude_tests: bool = Field(
        default=True,
        description="Drop test files (tests/, tests.rs) and compile-fail test inputs; with strip_test_modules "
        "off, also every file with test code.",
    )
    strip_test_modules: bool = Field(
        default=True,
        description="sigil: cut test items (#[cfg(test)] modules, `mod tests;`, #[test] fns) out of files "
        "instead of dropping the files.",
    )
    exclude_examples: bool = Field(default=True, description="Drop files under a crate's examples/.")
    exclude_benches: bool = Field(default=True, description="Drop files under a crate's benches/.")
    exclude_vendor: bool = Field(
        default=True, description="sigil: drop vendor/ (outside src/), build output (a crate's target/) and lock files."
    )
    exclude_generated: bool = Field(
        default=True,
        description="sigil: drop files with a generator marker, the shape of FFI bindings, or data tables.",
    )
    exclude_low_quality: bool = Field(
        default=False,
        description="sigil: drop files carrying one of low_quality_markers (off by default: on real crates even "
        "debug prints were deliberate 1 time in 3; see docs/data.md).",
    )
    low_quality_markers: list[LowQualityMarker] = Field(
        default_factory=lambda: list[LowQualityMarker](["debug_print"]),
        description="sigil: which markers exclude_low_quality drops for: debug_print, todo_macro (todo!/"
        "unimplemented!), todo_comment, unsafe, allow (#[allow]).",
    )
    max_crate_share: float | None = Field(
        default=None, gt=0.0, le=1.0,
        description="sigil: most share of the kept characters one crate may have (directory sources); "
        "null: no cap.",
    )
    prefer_idiomatic: bool = Field(
        default=False,
        description="Prefer idiomatic files: keep idiomatic_quality_ratio of the data idiomatic (needs sigil-evaluator).",
    )
    prefer_documented: bool = Field(
        default=False,
        description="Drop files whose public items are undocumented (and no //! module doc), or documented "
        "below min_documented_ratio; needs sigil-evaluator.",
    )
    min_documented_ratio: float = Field(
        default=0.0, ge=0.0, le=1.0,
        description="sigil: with prefer_documented, the documented share of public items a file needs; 0 drops "
        "only files that document none (and have no module doc).",
    )
    idiomatic_quality_ratio: float = Field(
        default=0.0, ge=0.0, le=1.0,
        description="With prefer_idiomatic: the share of kept files that must be idiomatic; non-idiomatic files "
        "are dropped worst-first until it holds (1.0 keeps only idiomatic files). See docs/data.md.",
    )
    idiomatic_threshold: float = Field(
        default=0.5, ge=0.0, le=1.0, description="sigil: idiomatic score from which a file counts as idiomatic."
    )
    min_idiomatic_score: float = Field(
        default=0.0, ge=0.0, le=1.0,
        description="sigil: hard filter: drop every file scoring below this (0: off); needs sigil-evaluator.",
    )
    dedup: Literal["none", "exact", "near"] = Field(
        default="near", description="sigil: remove exact duplicates, or exact and near duplicates."
    )
    near_dup_threshold: float = Field(
        default=0.85, gt=0.0, le=1.0, description="sigil: Jaccard similarity above which files are near-duplicates."
    )
    use_cache: bool = Field(
        default=True,
        description="Reuse downloaded hub datasets; false forces a fresh download (streaming training is "
        "`train.streaming`).",
    )
    cache_dir: str | None = Field(
        default=None, description="Cache directory for hub datasets; default: the `datasets` library's own."
    )
    shuffle_seed: int | None = Field(
        default=None,
        description="Seed of the shuffle that picks validation records and of weighted sampling; "
        "null: misc.seed.",
    )
    interleave_mode: Literal["concat", "interleave", "weighted"] = Field(
        default="concat",
        description="How sources are combined in train.jsonl: concat (in order), interleave (round-robin), "
        "weighted (random draws by dataset_weights until the drawn source runs out).",
    )
    dataset_weights: list[float] | None = Field(
        default=None, description="Sampling weight per source (interleave_mode: weighted); 0 leaves a source out."
    )
    task_weights: dict[str, float] | None = Field(
        default=None, description="Sampling weight per task kind: `code` (raw files) and `instruct` (prompt/gen)."
    )
    excludes: list[str] = Field(
        default_factory=list,
        description="sigil: .gitignore-style patterns of files to skip in directory sources (e.g. 'generated/').",
    )
    use_gitignore: bool = Field(
        default=True, description="sigil: honour .gitignore files found in directory sources."
    )
    workers: int | None = Field(
        default=None,
        ge=1,
        description="sigil: filter processes; default: all cores once there are 5000+ records, else 1.",
    )

    # where the filters run, not what they keep: the same decisions record by record, so outside the fingerprint
    backend: Annotated[Literal["local", "ray"], NotFingerprinted()] = Field(
        default="local",
        description="sigil: where record-scope filters run: `local` (processes, see workers) or `ray` (records "
        "sharded over a Ray cluster; the same kept/dropped decisions; docs/data.md). `ray` needs `sigil[ray]`.",
    )
    ray: Annotated[DataRayConfig, NotFingerprinted()] = Field(
        default_factory=DataRayConfig, description="sigil: the Ray cluster and sharding (dataset.backend: ray)."
    )

    @field_validator("backend")
    @classmethod
    def _ray_installed(cls, backend: str) -> str:
        if backend == "ray" and (missing := ray_missing()):
            raise ValueError(missing)
        return backend

    @field_validator("names", mode="before")
    @classmethod
    def _split_semicolon_string(cls, value: object) -> object:
        # The reference accepted "a;b" strings as well as lists.
        if isinstance(value, str):
            return [name.strip() for name in value.split(";") if name.strip()]
        return value

    @model_validator(mode="after")
    def _cross_field_rules(self) -> DatasetConfig:
        if not self.names:
            raise ValueError("dataset.names: at least one source is needed")
        if self.min_length >= self.max_length:
            raise ValueError(f"min_length ({self.min_length}) must be below max_length ({self.max_length})")
        if self.dataset_weights is not None:
            if len(self.dataset_weights) != len(self.names):
                raise ValueError(
                    f"dataset_weights has {len(self.dataset_weights)} entries for {len(self.names)} sources"
                )
            if any(weight < 0 for weight in self.dataset_weights) or sum(self.dataset_weights) <= 0:
                raise ValueError("dataset_weights must be non-negative with a positive sum")
        if self.task_weights is not None:
            unknown = set(self.task_weights) - {"code", "instruct"}
            if unknown:
                raise ValueError(f"task_weights: unknown task(s) {sorted(unknown)}; known: code, instruct")
        return self
