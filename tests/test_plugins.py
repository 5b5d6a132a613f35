"""The plugin manager: registries with provenance, duplicates, entry points, broken plugins, allow-list."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sigil import hookimpl
from sigil.errors import PluginError
from sigil.plugins import BUILTIN_PLUGINS, pm, registry


def test_builtins_are_registered_and_all_hooks_are_known():
    registry("stages")
    for name in BUILTIN_PLUGINS:
        assert pm.get_plugin(name) is not None
    pm.check_pending()


class Components:
    """A plugin providing one of each component kind."""

    @hookimpl
    def register_scorers(self, register):
        register("test-scorer", object())

    @hookimpl
    def register_trainers(self, register):
        register("test-trainer", object())

    @hookimpl
    def register_generators(self, register):
        register("test-generator", object())


def test_hook_register_scorers(plugin):
    plugin(Components(), name="components")
    assert registry("scorers").entry("test-scorer").plugin == "components"


def test_hook_register_trainers(plugin):
    plugin(Components(), name="components")
    assert registry("trainers").entry("test-trainer").plugin == "components"


def test_hook_register_generators(plugin):
    plugin(Components(), name="components")
    assert registry("generators").entry("test-generator").plugin == "components"


def test_duplicate_component_names_both_plugins(plugin):
    plugin(Components(), name="first")
    plugin(Components(), name="second")
    with pytest.raises(PluginError, match="scorer 'test-scorer' is registered twice: by plugin '.*' and by plugin '.*'"):
        registry("scorers")
    with pytest.raises(PluginError) as error:
        registry("scorers")
    assert "first" in str(error.value) and "second" in str(error.value)


def test_unknown_component_suggests(plugin):
    plugin(Components(), name="components")
    with pytest.raises(Exception, match="unknown scorer 'test-scorr' \\(did you mean 'test-scorer'\\?\\)"):
        registry("scorers").get("test-scorr")


def test_misspelled_hook_is_an_error(plugin):
    class Misspelled:
        @hookimpl
        def register_filterz(self, register):
            pass

    with pytest.raises(Exception, match="register_filterz"):
        plugin(Misspelled(), name="misspelled")
    pm.unregister(name="misspelled")


def _sigil(args: list[str], path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "SIGIL_LOAD_PLUGINS"}
    environment["PYTHONPATH"] = os.pathsep.join([str(path), environment.get("PYTHONPATH", "")])
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "sigil.cli", *args], capture_output=True, text=True, env=environment, check=False
    )


GOOD = """
import sigil

@sigil.hookimpl
def register_scorers(register):
    register("good-scorer", object())
"""


def test_entry_point_plugins_load_and_broken_ones_are_skipped(tmp_path, fake_distribution):
    fake_distribution(tmp_path, "goodplug", GOOD)
    fake_distribution(tmp_path, "brokenplug", "raise ImportError('needs libfoo')\n")
    result = _sigil(["plugins", "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    good = [p for p in data["plugins"] if p["name"] == "goodplug"]
    assert good and good[0]["components"] == {"scorers": ["good-scorer"]}
    assert good[0]["version"] == "0.3"
    assert not [p for p in data["plugins"] if p["name"] == "brokenplug"]
    failure = "plugin 'brokenplug' (brokenplug) skipped: ImportError: needs libfoo"
    assert failure in data["failed"]
    assert result.stderr.count("\n") == 1 and failure in result.stderr


def test_allow_list_limits_third_party_plugins(tmp_path, fake_distribution):
    fake_distribution(tmp_path, "goodplug", GOOD)
    fake_distribution(tmp_path, "otherplug", GOOD.replace("good-scorer", "other-scorer"))
    result = _sigil(["plugins", "--json"], tmp_path, SIGIL_LOAD_PLUGINS="otherplug,absentplug")
    names = [p["name"] for p in json.loads(result.stdout)["plugins"]]
    assert "otherplug" in names and "goodplug" not in names
    assert "SIGIL_LOAD_PLUGINS names 'absentplug'" in result.stderr


def test_trace_variable_prints_hook_calls(tmp_path):
    result = _sigil(["plugins"], tmp_path, SIGIL_TRACE_HOOKS="1", SIGIL_LOAD_PLUGINS="")
    assert "register_stages" in result.stderr


def test_hook_register_filters(plugin):
    class KeepAll:
        name = "keep-all"
        scope = "record"

        def apply(self, records):
            return list(records)

    class Filters:
        @hookimpl
        def register_filters(self, register):
            register("keep-all", lambda config: KeepAll())

    plugin(Filters(), name="filters-plugin")
    filters = registry("filters")
    assert filters.entry("keep-all").plugin == "filters-plugin"
    assert filters.entry(filters.names()[0]).plugin == "sigil.data.builtin_filters"
    assert filters.names()[-1] == "keep-all", "built-in filters run before third-party ones"
