"""Hermetic tests: installed third-party plugins never leak in; test plugins are registered per test."""

from __future__ import annotations

import os

# Before sigil.plugins loads anything: no third-party entry points in unit tests.
os.environ["SIGIL_LOAD_PLUGINS"] = ""

import textwrap  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from sigil.plugins import pm, register_plugin, unregister_plugin  # noqa: E402


@pytest.fixture
def plugin() -> Iterator[Callable[..., object]]:
    """Register plugin objects for one test: ``plugin(obj, name=...)``; all are unregistered afterwards."""
    names: list[str] = []

    def add(obj: object, name: str | None = None) -> object:
        names.append(register_plugin(obj, name=name))
        return obj

    yield add
    for name in names:
        unregister_plugin(name)
    pm.check_pending()


@pytest.fixture
def write_yaml(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a pipeline file: ``write_yaml(text, name="pipeline.yaml")``; its run dir is inside tmp_path."""

    def write(text: str, name: str = "pipeline.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write


def make_fake_distribution(root: Path, name: str, module_source: str) -> None:
    """An installed distribution with a `sigil` entry point, as pip would lay it out."""
    (root / f"{name}.py").write_text(textwrap.dedent(module_source))
    info = root / f"{name}-0.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.3\n")
    (info / "entry_points.txt").write_text(f"[sigil]\n{name} = {name}\n")


@pytest.fixture
def fake_distribution() -> Callable[[Path, str, str], None]:
    """``fake_distribution(site_dir, name, module_source)``: lay out a plugin distribution for a subprocess."""
    return make_fake_distribution
