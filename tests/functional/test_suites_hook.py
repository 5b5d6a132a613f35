"""The built-in suite is registered through the public ``register_suites`` hook, like a third party's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sigil.errors import SigilError
from sigil.functional import builtin_suites
from sigil.functional.problems import Suite, load_suite
from sigil.functional.suite_lookup import resolve_suite


def test_hook_register_suites() -> None:
    registered: dict[str, Any] = {}
    builtin_suites.register_suites(register=registered.__setitem__)
    assert list(registered) == ["sigil-basic"]
    assert len(load_suite(registered["sigil-basic"])) >= 40


def test_resolve_suite_by_path(tmp_path: Path) -> None:
    suite = resolve_suite(str(builtin_suites.SUITES_DIR / "sigil_basic.jsonl"))
    assert isinstance(suite, Suite) and suite.name == "sigil_basic"


def test_unknown_suite_is_one_clear_error() -> None:
    with pytest.raises(SigilError, match="no-such-suite"):
        resolve_suite("no-such-suite")
