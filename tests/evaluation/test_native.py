import pytest
import sigil_evaluator

from sigil.errors import SigilError
from sigil.evaluation.evaluate import REQUIRED_VERSION, evaluator_module


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


def test_setting_defaults_are_the_wheels_own(monkeypatch):
    """#9: one default per setting: unset limits are left to the wheel (nothing copies its numbers), and a
    value derived from one (compile_timeout + clippy_timeout) reads the wheel's default from its signature."""
    import types

    import sigil.evaluation.evaluate as evaluate_module
    from sigil.evaluation.config import EvalConfig
    from sigil.evaluation.functional import exec_options

    built: list[dict] = []

    class Evaluator:
        def __init__(self, batch_size=7, compile_timeout=42.0, **settings):
            built.append({"batch_size": batch_size, "compile_timeout": compile_timeout})

    fake = types.SimpleNamespace(Evaluator=Evaluator)
    monkeypatch.setattr(evaluate_module, "evaluator_module", lambda: fake)
    evaluate_module.make_evaluator(EvalConfig())
    assert built == [{"batch_size": 7, "compile_timeout": 42.0}]  # the wheel's defaults, untouched
    assert EvalConfig(clippy_timeout=3).timeout == 45.0
    evaluate_module.make_evaluator(EvalConfig(clippy_timeout=3, batch_size=2))
    assert built[-1] == {"batch_size": 2, "compile_timeout": 45.0}
    # the executor's options hold no numbers of their own either
    assert set(exec_options(EvalConfig()).native_kwargs()) == {"optimize", "edition", "jobs", "sandbox"}
