"""`sigil export` puts the run's latest evaluation of the exported adapter into the model card."""

from __future__ import annotations

import json
from pathlib import Path

from sigil_train.card import NOT_EVALUATED, evaluation_section
from sigil_train.export.merge import latest_evaluation


def manifest(run: Path, stages: dict) -> None:
    run.mkdir(parents=True, exist_ok=True)
    (run / "manifest.json").write_text(json.dumps({"stages": stages}))


def test_latest_evaluation_after_the_exported_stage(tmp_path: Path) -> None:
    run = tmp_path / "run"
    manifest(run, {
        "data": {"type": "data", "status": "completed"},
        "eval0": {"type": "evaluate", "status": "completed", "metrics": {"compile_rate": 0.1}},
        "sft": {"type": "sft", "status": "completed"},
        "eval1": {"type": "evaluate", "status": "completed", "metrics": {"compile_rate": 0.5, "seed": 3}},
        "eval2": {"type": "evaluate", "status": "failed", "metrics": {"compile_rate": 0.9}},
    })
    adapter = run / "stages" / "sft" / "adapter"
    assert latest_evaluation(run, adapter) == {"compile_rate": 0.5}
    assert latest_evaluation(run, run / "stages" / "eval1" / "adapter") is None  # nothing evaluated after it


def test_evaluation_section_replaces_the_placeholder() -> None:
    card = f"## Evaluation\n\n{NOT_EVALUATED}\n"
    text = card.replace(NOT_EVALUATED, evaluation_section({"compile_rate": 0.5, "avg_clippy_warnings": 1.2}), 1)
    assert "- compile_rate: 0.5\n- avg_clippy_warnings: 1.2" in text and NOT_EVALUATED not in text
