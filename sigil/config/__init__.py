"""Pipeline configuration: typed, strict sections loaded from YAML.

The core model holds ``model_name``, ``misc`` and ``stages``; every other section is registered by a plugin
(sigil's built-in ones too) through ``register_config_sections`` and added when a config is loaded.
"""

from __future__ import annotations

from sigil.config.loader import load_config, stage_config, validate_config
from sigil.config.schema import CoreConfig, MiscConfig, PipelineConfig, StageSpec
from sigil.config.section import InputPath, NotFingerprinted, Section, StageRef

__all__ = [
    "CoreConfig",
    "InputPath",
    "MiscConfig",
    "NotFingerprinted",
    "PipelineConfig",
    "Section",
    "StageRef",
    "StageSpec",
    "load_config",
    "stage_config",
    "validate_config",
]
