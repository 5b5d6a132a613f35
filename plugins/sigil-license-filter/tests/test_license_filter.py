"""The licence filter: header detection, SPDX expressions, its config section and its place in a sigil run."""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ["SIGIL_LOAD_PLUGINS"] = ""  # hermetic: the plugin is registered by the fixture below, not by entry point

import pytest  # noqa: E402
from sigil_license_filter import LicenseFilter, allowed_by, find_license, plugin  # noqa: E402

from sigil.cli import main  # noqa: E402
from sigil.data.records import Drop, Record  # noqa: E402
from sigil.errors import ConfigError  # noqa: E402
from sigil.plugins import register_plugin, unregister_plugin  # noqa: E402

MIT = "// SPDX-License-Identifier: MIT\n/// Doc.\npub fn f() -> u8 { 1 }\n"
GPL = "/* SPDX-License-Identifier: GPL-3.0-or-later */\npub fn g() -> u8 { 2 }\n"
APACHE_NOTICE = "// Licensed under the Apache License, Version 2.0 <LICENSE-APACHE>\npub fn h() {}\n"
NONE = "pub fn i() {}\n"


@pytest.mark.parametrize(
    ("content", "expected"),
    [(MIT, "MIT"), (GPL, "GPL-3.0-or-later"), (APACHE_NOTICE, "Apache-2.0"), (NONE, None),
     ("\n" * 30 + "// SPDX-License-Identifier: MIT\n", None)],
)
def test_find_license(content: str, expected: str | None) -> None:
    assert find_license(content) == expected


@pytest.mark.parametrize(
    ("expression", "allowed"),
    [("MIT", True), ("MIT OR Apache-2.0", True), ("GPL-3.0 OR MIT", True), ("MIT AND GPL-3.0", False),
     ("(MIT OR GPL-2.0) AND Apache-2.0", True), ("Apache-2.0 WITH LLVM-exception", True), ("GPL-3.0+", False),
     ("mit", True), ("MIT OR", False), ("(MIT", False)],
)
def test_spdx_expressions(expression: str, allowed: bool) -> None:
    assert allowed_by(expression, ["MIT", "Apache-2.0"]) is allowed


def test_filter_verdicts() -> None:
    records = [Record(content=c, source="s") for c in (MIT, GPL, APACHE_NOTICE, NONE)]
    verdicts = LicenseFilter(["MIT", "Apache-2.0"]).apply(records)
    assert [v.reason if isinstance(v, Drop) else "kept" for v in verdicts] == [
        "kept", "licence not allowed: GPL-3.0-or-later", "kept", "kept"]
    strict = LicenseFilter(["MIT"], require_header=True).apply(records)
    assert [v.reason if isinstance(v, Drop) else "kept" for v in strict][2:] == [
        "licence not allowed: Apache-2.0", "no licence header"]


@pytest.fixture
def registered():
    name = register_plugin(plugin, name="license-filter-test")
    yield
    unregister_plugin(name)


def run(tmp_path: Path, license_yaml: str) -> int:
    # the body is code: the length filter counts code characters, not comments
    bodies = ["pub fn doubled_sum(v: &[u32]) -> u32 {\n    v.iter().filter(|x| **x > 3).map(|x| x * 2).sum()\n}\n",
              "pub fn longest(words: &[&str]) -> usize {\n    words.iter().map(|w| w.len()).max().unwrap_or(0)\n}\n",
              "pub fn evens(n: u64) -> Vec<u64> {\n    (0..n).filter(|k| k % 2 == 0).collect::<Vec<_>>()\n}\n"]
    rows = [{"content": c + body, "path": f"src/{i}.rs"} for i, (c, body) in enumerate(zip((MIT, GPL, NONE), bodies))]
    (tmp_path / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "p.yaml").write_text(
        f"misc: {{output_dir: {tmp_path / 'run'}}}\nstages: [{{name: data, type: data}}]\n"
        f"dataset: {{names: ['{tmp_path / 'data.jsonl'}'], validation_split: 0.0}}\n{license_yaml}"
    )
    return main(["run", str(tmp_path / "p.yaml")])


def test_in_a_sigil_run(tmp_path: Path, registered) -> None:
    assert run(tmp_path, "license: {allowed: [MIT], require_header: true}\n") == 0
    stats = json.loads((tmp_path / "run/stages/data/stats.json").read_text())
    assert stats["filters"][-1] == "license"
    assert stats["total"]["reasons"] == {"license: licence not allowed: GPL-3.0-or-later": 1, "license: no licence header": 1}


def test_its_section_is_strict(tmp_path: Path, registered, capsys) -> None:
    assert run(tmp_path, "license: {allowd: [MIT]}\n") == 1
    assert "license.allowd: unknown key (did you mean 'allowed'?)" in capsys.readouterr().err
    with pytest.raises(ConfigError):
        from sigil.config import load_config

        (tmp_path / "q.yaml").write_text("stages: [{name: data, type: data}]\nlicense: {allowed: ['MIT OR GPL-3.0']}\n")
        load_config(tmp_path / "q.yaml")
