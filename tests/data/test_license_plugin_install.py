"""Out of process: pip-install the example plugin into a target directory, then sigil finds it by entry point."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PLUGIN = Path(__file__).resolve().parents[2] / "plugins" / "sigil-license-filter"


@pytest.mark.slow
def test_installed_plugin_is_listed_and_runs(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(PLUGIN, source, ignore=shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__"))
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--target", str(target), str(source)],
        check=True, capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target), "SIGIL_LOAD_PLUGINS": "license-filter"}

    def sigil(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "sigil.cli", *args], env=env, cwd=tmp_path, capture_output=True, text=True)

    listed = sigil("plugins", "--json")
    assert listed.returncode == 0, listed.stderr
    plugins = {p["name"]: p for p in json.loads(listed.stdout)["plugins"]}
    assert plugins["license-filter"]["distribution"] == "sigil-license-filter"
    assert plugins["license-filter"]["version"] == "0.1.0"
    assert plugins["license-filter"]["components"] == {"config_sections": ["license"], "filters": ["license"]}

    rows = [
        {"content": f"// SPDX-License-Identifier: {spdx}\n/// Doc.\npub fn f{i}() -> u32 {{ {i} * 1000 + 7 }}\n", "path": f"src/{i}.rs"}
        for i, spdx in enumerate(["MIT", "GPL-3.0-only", "Apache-2.0 OR MIT"])
    ]
    (tmp_path / "data.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    (tmp_path / "p.yaml").write_text(
        "dataset: {names: [data.jsonl], validation_split: 0.0, min_length: 10}\nlicense: {allowed: [MIT]}\n"
        "misc: {output_dir: run}\nstages: [{name: data, type: data}]\n"
    )
    ran = sigil("run", "p.yaml")
    assert ran.returncode == 0, ran.stderr
    stats = json.loads((tmp_path / "run/stages/data/stats.json").read_text())
    assert stats["total"]["reasons"] == {"license: licence not allowed: GPL-3.0-only": 1}
    assert stats["total"]["train"] == 2
