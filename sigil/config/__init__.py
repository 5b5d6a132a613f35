"""Pipeline configuration: typed, strict sections loaded from YAML.

The schema imports the sections of sigil's subpackages (``dataset``, ``eval``, ...), which themselves derive
from :class:`Section`; the rest of this package's names are therefore loaded on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from sigil.config.section import InputPath, NotFingerprinted, Section, StageRef

_LAZY = {
    "load_config": "sigil.config.loader",
    "stage_config": "sigil.config.loader",
    "CoreConfig": "sigil.config.schema",
    "PipelineConfig": "sigil.config.schema",
    "MiscConfig": "sigil.config.schema",
    "StageSpec": "sigil.config.schema",
}

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
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'sigil.config' has no attribute {name!r}")
