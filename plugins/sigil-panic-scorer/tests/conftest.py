"""Hermetic tests: installed third-party plugins stay out; this plugin is registered per test by a fixture."""

from __future__ import annotations

import os

# Before sigil.plugins loads anything: no entry points, so an installed copy of this plugin cannot clash.
os.environ["SIGIL_LOAD_PLUGINS"] = ""

from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402
from sigil_panic_scorer import plugin  # noqa: E402

from sigil.plugins import pm, register_plugin, unregister_plugin  # noqa: E402


@pytest.fixture
def registered() -> Iterator[None]:
    """The plugin module registered as a sigil plugin for one test, unregistered after."""
    name = register_plugin(plugin, name="panic-scorer-test")
    yield
    unregister_plugin(name)
    pm.check_pending()
