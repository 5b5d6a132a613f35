"""The core of the pipeline config: ``model_name``, ``misc`` (the run directory, logs, seed), the ``stages`` list.

Every other section (``dataset``, ``eval``, ``train``, ``license``, ...) is registered by a plugin through
``register_config_sections`` (sigil's own built-in plugins included) and added to the model at load time; the
kernel knows none of them by name. Every model forbids unknown keys: a misspelled key is an error, never
silently dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field, field_validator

from sigil.config.section import NotFingerprinted, Section


class MiscConfig(Section):
    """Run-wide settings (the reference system's ``misc`` section)."""

    output_dir: Annotated[str | None, NotFingerprinted()] = Field(
        default=None, description="Run directory; default runs/<config file name without extension>."
    )
    logging_dir: Annotated[str | None, NotFingerprinted()] = Field(default=None, description="TensorBoard directory; default <run dir>/logs.")
    seed: int = Field(default=42, description="Seed for every random choice (shuffles, splits, init, sampling).")


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
    """Top-level keys of every pipeline. Registered sections (``dataset``, ``train``, ...) are added at load time."""

    model_name: str = Field(
        default="sigil-tiny:llama",
        description="Hugging Face hub name or local path of the base model; `sigil-tiny:llama` builds a tiny random-init one.",
    )
    misc: MiscConfig = Field(default_factory=MiscConfig, description="Run-wide settings.")
    stages: list[StageSpec] = Field(
        default_factory=list,
        description="The pipeline, run in order (required: a pipeline file names its stages).",
    )

    if TYPE_CHECKING:  # registered sections are fields of the model built at load time: typed Any for mypy

        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...

    @field_validator("stages")
    @classmethod
    def _unique_stage_names(cls, stages: list[StageSpec]) -> list[StageSpec]:
        names = [stage.name for stage in stages]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"stage names must be unique; repeated: {', '.join(duplicates)}")
        return stages


#: The type of a loaded pipeline config (plugins' sections are added as extra fields at load time).
PipelineConfig = CoreConfig
