"""Meta-tests: every hook is documented in docs/ and exercised by a test named test_hook_<name>."""

import inspect
import re
from pathlib import Path

import pytest

from sigil import hookspecs

ROOT = Path(__file__).resolve().parent.parent
HOOKS = sorted(name for name, value in vars(hookspecs).items() if hasattr(value, "sigil_spec"))


def test_there_are_hooks():
    assert {"register_filters", "register_stages", "register_commands", "on_metrics"} <= set(HOOKS)


@pytest.mark.parametrize("name", HOOKS)
def test_hook_has_docstring_and_typed_parameters(name):
    function = getattr(hookspecs, name)
    assert function.__doc__ and len(function.__doc__.strip()) > 40
    for parameter in inspect.signature(function).parameters.values():
        assert parameter.annotation is not inspect.Parameter.empty, f"{name}({parameter.name}) is untyped"
        assert f":param {parameter.name}:" in function.__doc__


@pytest.mark.parametrize("name", HOOKS)
def test_hook_is_documented(name):
    docs = (ROOT / "docs" / "hooks.md").read_text()
    parameters = ", ".join(inspect.signature(getattr(hookspecs, name)).parameters)
    assert re.search(rf"{name}\({re.escape(parameters)}\)", docs), f"docs/hooks.md does not document {name}"


@pytest.mark.parametrize("name", HOOKS)
def test_hook_has_a_test(name):
    tests = "\n".join(path.read_text() for path in (ROOT / "tests").rglob("test_*.py"))
    assert f"def test_hook_{name}(" in tests, f"no test_hook_{name} in tests/"
