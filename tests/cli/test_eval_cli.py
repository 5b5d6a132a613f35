"""``sigil eval`` at its edges: isolation only by the explicit flag, outputs checked before work, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sigil.cli import main

GOOD = '/// Adds.\nfn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n\nfn main() {\n    println!("{}", add(1, 2));\n}\n'


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    path = tmp_path / "samples.jsonl"
    path.write_text(json.dumps({"prompt": "add", "gen": GOOD}) + "\n")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- isolation (#11 item 8)


@pytest.mark.parametrize("how", ["config", "override"])
def test_sandbox_none_from_a_config_or_override_is_refused(how, samples, tmp_path, capsys):
    """`eval.sandbox: none` in a config file (or `-o eval.sandbox=none`) compiled unsandboxed, silently."""
    out = tmp_path / "out"
    if how == "config":
        config = tmp_path / "pipeline.yaml"
        config.write_text("eval: {sandbox: none}\n")
        extra = ["--config", str(config)]
    else:
        extra = ["-o", "eval.sandbox=none"]
    code, _, err = run(capsys, "eval", str(samples), "--output", str(out), "--no-cache", *extra)
    assert code == 1 and err.count("\n") == 1
    assert "eval.sandbox: 'none' is not accepted from a config file or override" in err and "--no-sandbox" in err
    assert not out.exists()


def test_pipeline_with_sandbox_none_does_not_validate(capsys, write_yaml):
    path = write_yaml("eval: {sandbox: none}\nstages: [{name: e, type: evaluate, options: {samples: s.jsonl}}]\n")
    code, _, err = run(capsys, "validate", str(path))
    assert code == 1 and "eval.sandbox: 'none' is not accepted" in err


@pytest.mark.parametrize("flag", [["--no-sandbox"], ["--sandbox-mode", "none"]])
def test_only_the_flag_turns_isolation_off_and_it_warns_every_time(flag, samples, tmp_path, capsys):
    out = tmp_path / "out"
    for _ in range(2):
        code, _, err = run(capsys, "eval", str(samples), "--output", str(out), "--no-cache", *flag,
                           "-o", "eval.scorers=[compile]")
        assert code == 0, err
        assert "warning: --no-sandbox: samples are compiled and run WITHOUT isolation" in err
    lines = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [line["isolation"] for line in lines] == ["none", "none"]
    code, _, err = run(capsys, "eval", str(samples), "--output", str(out), "--no-cache", "-o", "eval.scorers=[compile]")
    assert code == 0 and "warning" not in err
    assert json.loads((out / "metrics.jsonl").read_text().splitlines()[-1])["isolation"] == "bwrap"
