"""The core of the pipeline config: top-level keys, ``misc``, the ``stages`` list.

Sections owned by plugins (``train``, ``lora``, ...) are added at load time from ``register_config_sections``.
Every model forbids unknown keys: a misspelled key is an error, never silently dropped.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, field_validator

from sigil.config.section import InputPath, NotFingerprinted, Section
from sigil.data.config import DatasetConfig
from sigil.evaluation.config import EvalConfig
from sigil.sweep.config import SweepConfig

#: Sections sigil knows about that only exist once the named plugin is installed.
PLUGIN_SECTIONS: dict[str, str] = {
    "train": "sigil-train",
    "lora": "sigil-train",
    "bnb_4bit": "sigil-train",
    "generate": "sigil-generate",
    "rsft": "sigil-generate",
    "panics": "sigil-panic-scorer",
    "license": "sigil-license-filter",
}


class MiscConfig(Section):
    """Run-wide settings (the reference system's ``misc`` section)."""

    output_dir: Annotated[str | None, NotFingerprinted()] = Field(
        default=None, description="Run directory; default runs/<config file name without extension>."
    )
    logging_dir: Annotated[str | None, NotFingerprinted()] = Field(default=None, description="TensorBoard directory; default <run dir>/logs.")
    seed: int = Field(default=42, description="Seed for every random choice (shuffles, splits, init, sampling).")
    load_from: Annotated[str | None, InputPath()] = Field(default=None, description="Adapter or checkpoint to warm-start from (phase 2).")
    deterministic: bool = Field(default=False, description="Use deterministic algorithms (slower).")


class StageSpec(Section):
    """One entry of ``stages``: a named step of a registered stage type."""

    name: str = Field(description="Unique name of this stage in the pipeline; names its output directory.")
    type: str = Field(description="A registered stage type (see `sigil plugins`).")
    options: dict[str, Any] = Field(default_factory=dict, description="The stage type's own options.")
    overrides: dict[str, Any] = Field(
        default_factory=dict, description="Config keys changed for this stage only, e.g. {train: {lr: 5e-5}}."
    )
    inputs: dict[str, str] = Field(
        default_factory=dict, description="Role → earlier stage name, where the default (latest fitting) won't do."
    )

    @field_validator("name")
    @classmethod
    def _name_is_a_path_component(cls, value: str) -> str:
        if not value or not all(c.isalnum() or c in "-_" for c in value):
            raise ValueError("stage names use letters, digits, '-' and '_' only")
        return value


class CoreConfig(Section):
    """Top-level keys of every pipeline. Plugin sections (``train``, ``lora``, ...) are added at load time."""

    model_name: str = Field(
        default="sigil-tiny:llama",
        description="Hugging Face hub name or local path of the base model; `sigil-tiny:llama` builds a tiny random-init one.",
    )
    max_seq_len: int = Field(default=2048, gt=0, description="Longest training sequence in tokens.")
    pack: bool = Field(default=True, description="Pack examples into full rows (without cross-attention).")
    dataset: DatasetConfig = Field(default_factory=DatasetConfig, description="Training data and filters.")
    misc: MiscConfig = Field(default_factory=MiscConfig, description="Run-wide settings.")
    eval: EvalConfig = Field(default_factory=EvalConfig, description="Checking and scoring of generated samples.")
    sweep: SweepConfig = Field(default_factory=SweepConfig, description="Grid for `sigil sweep`.")
    stages: list[StageSpec] = Field(
        default_factory=lambda: [StageSpec(name="data", type="data")],
        description="The pipeline, run in order.",
    )

    @field_validator("stages")
    @classmethod
    def _unique_stage_names(cls, stages: list[StageSpec]) -> list[StageSpec]:
        names = [stage.name for stage in stages]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"stage names must be unique; repeated: {', '.join(duplicates)}")
        if not stages:
            raise ValueError("a pipeline needs at least one stage")
        return stages


#: The type of a loaded pipeline config (plugins' sections are added as extra fields at load time).
PipelineConfig = CoreConfig
