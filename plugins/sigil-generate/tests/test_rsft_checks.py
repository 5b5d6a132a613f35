"""What the ``rsft`` stage refuses before it samples anything (fast: no model is loaded)."""

from __future__ import annotations

import pytest
from conftest import write_pipeline

from sigil.cli import main


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"rsft": {"trainer": "deepspeed"}}, "unknown trainer 'deepspeed'"),
        ({"rsft": {"require_tests_pass": True}, "generate": {"prompts": "PROMPTS"}}, "not a problem suite"),
    ],
)
def test_refused_before_sampling(tmp_path, capsys, prompts_file, config, message):
    if config.get("generate", {}).get("prompts") == "PROMPTS":
        config = {**config, "generate": {"prompts": str(prompts_file)}}
    path = write_pipeline(tmp_path / "p.yaml", [{"name": "rsft", "type": "rsft"}], **config)
    assert main(["run", str(path)]) == 1
    err = capsys.readouterr().err
    assert message in err.strip().splitlines()[-1]
    assert not (tmp_path / "run" / "work" / "rsft" / "round-001").exists()


def test_shipped_config_validates(capsys):
    from pathlib import Path

    config = Path(__file__).resolve().parents[3] / "configs" / "tiny-rsft.yml"
    assert main(["validate", str(config)]) == 0
    assert "valid (4 stages: data, sft, rsft, evaluate)" in capsys.readouterr().out
