"""The plugin seams are typed: mypy checks what a caller does with a registry's components and with a stage's
options (issue 9: ``Registry.get`` and ``StageContext.options`` were ``Any``, so mistakes passed silently)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = '''
from sigil import SCORERS, TRAINERS, NoOptions, StageContext, StageResult, registry


def run(ctx: StageContext[NoOptions]) -> StageResult:
    ctx.options.not_an_option
    registry(TRAINERS).get("sft").trian(None)
    registry(SCORERS).get("x").score(1)
    by_name = registry("trainers").get("sft")
    by_name.train(None)
    return StageResult()
'''


def test_mypy_checks_registry_components_and_stage_options(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    proc = subprocess.run([sys.executable, "-m", "mypy", str(probe)], cwd=ROOT, capture_output=True, text=True)
    errors = [line.split(": error: ", 1)[1] for line in proc.stdout.splitlines() if ": error: " in line]
    assert errors == [
        '"NoOptions" has no attribute "not_an_option"  [attr-defined]',
        '"Trainer" has no attribute "trian"; maybe "train"?  [attr-defined]',
        'Argument 1 to "score" of "Scorer" has incompatible type "int"; expected "EvalBatch"  [arg-type]',
        '"object" has no attribute "train"  [attr-defined]',
    ], proc.stdout + proc.stderr
