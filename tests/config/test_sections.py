"""Built-in sections register like any plugin's; a plugin's section owns keys the reference spelled elsewhere."""

from __future__ import annotations

import pytest

from sigil.config import load_config
from sigil.config.schema import CoreConfig
from sigil.errors import ConfigError
from sigil.plugins import registry


def test_builtin_sections_are_registered_through_the_hook():
    sections = {entry.name: entry.plugin for entry in registry("config_sections")}
    assert sections["dataset"] == "sigil.data.stage"
    assert sections["eval"] == "sigil.evaluation.stage"
    assert sections["sweep"] == "sigil.cli.sweep"
    assert set(CoreConfig.model_fields) == {"model_name", "misc", "stages"}  # the kernel's own keys only


@pytest.fixture
def train_plugin(plugin):
    module = pytest.importorskip("sigil_train.plugin")
    plugin(module, name="sigil_train")


def test_reference_spelling_of_training_keys(train_plugin, write_yaml):
    """``max_seq_len``, ``pack``, ``misc.load_from``, ``misc.deterministic`` (the reference's layout) are the
    training plugin's ``train.*`` keys."""
    path = write_yaml("stages: [{name: data, type: data}]\nmax_seq_len: 333\npack: false\nmisc: {seed: 3, load_from: /a, deterministic: true}\n")
    train = load_config(path).train
    assert (train.max_seq_len, train.pack, train.load_from, train.deterministic) == (333, False, "/a", True)
    assert load_config(path, ["max_seq_len=64"]).train.max_seq_len == 64
    new = write_yaml("stages: [{name: data, type: data}]\ntrain: {max_seq_len: 333, load_from: /a}\n", name="new.yaml")
    assert load_config(new).train.max_seq_len == 333


def test_both_spellings_is_an_error(train_plugin, write_yaml):
    path = write_yaml("max_seq_len: 333\ntrain: {max_seq_len: 64}\n")
    with pytest.raises(ConfigError, match=r"max_seq_len and train\.max_seq_len are the same key .*keep one"):
        load_config(path)


def test_reference_spelling_in_stage_overrides(train_plugin, write_yaml):
    path = write_yaml("stages: [{name: d, type: data, overrides: {max_seq_len: 99, misc: {load_from: /b}}}]\n")
    from sigil.config import stage_config

    config = load_config(path)
    own = stage_config(config, config.stages[0])
    assert (own.train.max_seq_len, own.train.load_from) == (99, "/b")
    assert config.train.max_seq_len == 2048


def test_streaming_training_has_its_own_key(train_plugin, write_yaml):
    """``dataset.use_cache: false`` (fresh hub download) no longer switches training to streaming."""
    config = load_config(write_yaml("stages: [{name: data, type: data}]\ndataset: {use_cache: false}\n"))
    assert config.train.streaming is False
    assert load_config(write_yaml("stages: [{name: data, type: data}]\ntrain: {streaming: true}\n", name="s.yaml")).train.streaming is True
