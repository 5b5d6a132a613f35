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


def test_rsft_at_scale_fine_tunes_like_the_phase_configs_and_keeps_on_tests(repo_plugins):
    """llama8b-rsft.yml: each round's fine-tune is the phase configs' QLoRA; it keeps on tests and holds out the
    practical evaluation suite, whose prompts RSFT never samples (the held-out check runs when the stage plans),
    beside both control arms (the gold arm's check that every prompt has a reference runs then too)."""
    path = Path(__file__).resolve().parents[1] / "configs" / "llama8b-rsft.yml"
    config, phase = load_config(path), load_config(path.with_name("llama8b-phase1.yml"))
    planned = plan_stages(config, str(path))
    assert [p.spec.type for p in planned] == ["rsft", "rsft-control", "rsft-control", "report"]
    assert [p.spec.options.get("arm") for p in planned if p.spec.type == "rsft-control"] == ["gold", "unfiltered"]
    assert path.read_text().splitlines()[0] == "# sigil run configs/llama8b-rsft.yml"
    assert config.model_name.startswith("meta-llama/Llama-3.1-8B") and config.train.adapter == "qlora"
    assert config.lora == phase.lora and config.bnb_4bit == phase.bnb_4bit
    assert config.rsft.require_tests_pass and config.rsft.heldout == "rust-practical-eval"
    assert config.generate.prompts == "rust-mixed-train"
