"""Every shipped config that uses the training plugin validates, stages and options included."""

from __future__ import annotations

from pathlib import Path

import pytest

from sigil.config import load_config
from sigil.pipeline.runner import plan_stages

CONFIG_DIR = Path(__file__).resolve().parents[3] / "configs"
#: The configs this plugin ships (others in configs/ belong to other plugins and are tested there).
#: (tiny-grpo.yml also uses the generate plugin's stages: tests/test_shipped_configs.py validates it with every plugin.)
TRAINING = [CONFIG_DIR / name for name in ("tiny-sft.yml", "llama8b-phase1.yml", "llama8b-phase2.yml")]


@pytest.mark.parametrize("path", TRAINING, ids=[path.name for path in TRAINING])
def test_shipped_training_config_is_valid(path: Path):
    config = load_config(path)
    assert [planned.spec.type for planned in plan_stages(config, str(path))].count("sft") >= 1
    assert path.read_text().startswith("#") and "sigil run configs/" in path.read_text()


