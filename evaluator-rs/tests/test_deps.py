"""Dependency sets: built once with cargo, reused by every check, visible inside the sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from sigil_evaluator import Evaluator

USES_ANYHOW = (
    "use anyhow::{bail, Result};\n"
    "fn parse(s: &str) -> Result<i32> {\n"
    "    if s.is_empty() {\n"
    "        bail!(\"empty\");\n"
    "    }\n"
    "    Ok(s.parse()?)\n"
    "}\n"
    "fn main() -> Result<()> {\n"
    "    println!(\"{}\", parse(\"4\")?);\n"
    "    Ok(())\n"
    "}\n"
)


@pytest.mark.network
def test_configured_crates_are_usable(tmp_path: Path) -> None:
    try:
        ev = Evaluator(cache_dir=tmp_path, deps=['anyhow = "1"'])
    except RuntimeError as e:
        if "generate-lockfile failed" in str(e):
            pytest.skip(f"crates.io unreachable: {e}")
        raise
    ok, missing = ev.check([USES_ANYHOW, "use regex::Regex;\nfn main() {}\n"])
    assert ok["status"] == "ok", ok
    assert missing["error_codes"] == ["E0432"]
    # Built once: a second evaluator reuses the set (same lockfile hash) and the cache.
    built = sorted(p.name for p in (tmp_path / "deps").glob("build-*"))
    again = Evaluator(cache_dir=tmp_path, deps=['anyhow = "1"'])
    assert sorted(p.name for p in (tmp_path / "deps").glob("build-*")) == built
    assert again.check([USES_ANYHOW])[0]["cached"] is True


def test_std_only_does_not_see_crates(evaluator: Evaluator) -> None:
    (r,) = evaluator.check([USES_ANYHOW])
    assert r["status"] == "error" and r["first_error_kind"] == "unresolved"
