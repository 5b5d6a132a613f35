"""Every pipeline in configs/ loads, validates and plans (stages, options, references) with the repo's plugins."""

from __future__ import annotations

from pathlib import Path

import pytest

from sigil.config import load_config
from sigil.pipeline.runner import plan_stages

CONFIGS = sorted((Path(__file__).resolve().parents[1] / "configs").glob("*.y*ml"))
PLUGIN_MODULES = ("sigil_train.plugin", "sigil_generate.plugin", "sigil_license_filter.plugin", "sigil_panic_scorer.plugin")


@pytest.fixture
def repo_plugins(plugin):
    for name in PLUGIN_MODULES:
        plugin(pytest.importorskip(name), name=name.split(".")[0])


def test_there_are_configs():
    assert len(CONFIGS) >= 5


@pytest.mark.parametrize("path", CONFIGS, ids=[path.name for path in CONFIGS])
def test_shipped_config_is_valid(repo_plugins, path: Path):
    config = load_config(path)
    assert plan_stages(config, str(path))
    text = path.read_text()
    assert text.startswith("#") and f"sigil run configs/{path.name}" in text  # the command that runs it
