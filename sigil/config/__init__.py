"""Pipeline configuration: typed, strict sections loaded from YAML."""

from sigil.config.loader import load_config, stage_config
from sigil.config.schema import CoreConfig, MiscConfig, StageSpec
from sigil.config.section import Section

#: The type of a loaded pipeline config (plugins' sections are added as extra fields at load time).
PipelineConfig = CoreConfig

__all__ = ["CoreConfig", "MiscConfig", "PipelineConfig", "Section", "StageSpec", "load_config", "stage_config"]
