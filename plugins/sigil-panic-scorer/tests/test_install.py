"""Out of process: pip-install the plugin into a target directory; a fresh sigil finds it by entry point."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PLUGIN = Path(__file__).resolve().parents[1]
SAMPLES = [
    "```rust\npub fn head(v: &[u8]) -> u8 {\n    *v.first().unwrap()\n}\n\nfn main() {\n    println!(\"{}\", head(&[1]));\n}\n```",
    "```rust\npub fn head(v: &[u8]) -> Option<u8> {\n    v.first().copied()\n}\n\nfn main() {\n    println!(\"{:?}\", head(&[1]));\n}\n```",
]


@pytest.mark.slow
def test_installed_plugin_is_listed_and_scores(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(PLUGIN, source, ignore=shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__"))
    target = tmp_path / "site"
    # --no-build-isolation: setuptools comes from this environment, so the install works offline
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--target", str(target), str(source)],
        check=True, capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target), "SIGIL_LOAD_PLUGINS": "panic-scorer"}

    def sigil(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "sigil.cli", *args], env=env, cwd=tmp_path, capture_output=True, text=True)

    listed = sigil("plugins", "--json")
    assert listed.returncode == 0, listed.stderr
    plugins = {p["name"]: p for p in json.loads(listed.stdout)["plugins"]}
    assert plugins["panic-scorer"]["distribution"] == "sigil-panic-scorer"
    assert plugins["panic-scorer"]["version"] == "0.1.0"
    assert plugins["panic-scorer"]["components"] == {"config_sections": ["panics"], "scorers": ["panics"]}

    (tmp_path / "samples.jsonl").write_text(
        "".join(json.dumps({"prompt": "head", "gen": gen}) + "\n" for gen in SAMPLES)
    )
    ran = sigil("eval", "samples.jsonl", "-o", "eval.scorers=[compile,panics]", "--no-cache")
    assert ran.returncode == 0, ran.stderr
    metrics = json.loads((tmp_path / "eval_results/metrics.jsonl").read_text().splitlines()[-1])
    assert metrics["compile_rate"] == 1.0
    assert metrics["avg_panic_calls"] == 0.5
    assert metrics["avg_panic_free"] == 0.5
    assert metrics["scorers"] == ["compile", "panics"]
