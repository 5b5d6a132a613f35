import pytest
import sigil_evaluator

from sigil.errors import SigilError
from sigil.evaluation.native import REQUIRED_VERSION, evaluator_module


def test_pinned_version_is_checked(monkeypatch):
    assert evaluator_module() is sigil_evaluator and sigil_evaluator.__version__ == REQUIRED_VERSION
    monkeypatch.setattr(sigil_evaluator, "__version__", "9.9.9")
    with pytest.raises(SigilError, match="sigil needs sigil-evaluator==0.1.0 but 9.9.9 is installed"):
        evaluator_module()


def test_pyproject_pins_the_same_version():
    from pathlib import Path

    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert f'"sigil-evaluator=={REQUIRED_VERSION}"' in pyproject
    assert f'version = "{REQUIRED_VERSION}"' in (Path(__file__).resolve().parents[2] / "evaluator-rs" / "Cargo.toml").read_text()
