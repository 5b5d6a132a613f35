"""The README's `make` commands before any work: a missing Rust toolchain or clippy is one line saying what to
install, and nothing (no .venv) is created. The full install path runs in `.ci/install-test`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("make") is None or not Path("/usr/bin/python3").exists(),
                                reason="needs make and a system python3")


def make(tmp_path: Path, path: str, target: str = "install") -> subprocess.CompletedProcess[str]:
    venv = tmp_path / "venv"
    return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), target, f"VENV={venv}",
                           "SYSTEM_PYTHON=/usr/bin/python3"],
                          env={"PATH": path, "HOME": str(tmp_path)}, capture_output=True, text=True, timeout=60)


def test_no_rust_says_what_to_install_before_any_work(tmp_path: Path):
    result = make(tmp_path, "/usr/bin:/bin")  # no cargo there: rustup installs it under ~/.cargo
    assert result.returncode != 0
    [line] = result.stdout.splitlines()
    assert line.startswith("sigil needs a Rust toolchain with clippy: curl") and "--component clippy" in line
    assert not (tmp_path / "venv").exists()


def test_no_clippy_says_what_to_install(tmp_path: Path):
    fake = tmp_path / "bin"
    fake.mkdir()
    cargo = fake / "cargo"  # a cargo whose clippy subcommand is missing, as on a minimal rustup profile
    cargo.write_text('#!/bin/sh\n[ "$1" = clippy ] && exit 101\necho cargo 1.0\n')
    cargo.chmod(0o755)
    result = make(tmp_path, f"{fake}:/usr/bin:/bin")
    assert result.returncode != 0
    assert result.stdout.splitlines() == ["sigil needs clippy for its Rust toolchain: rustup component add clippy"]
    assert not (tmp_path / "venv").exists()
