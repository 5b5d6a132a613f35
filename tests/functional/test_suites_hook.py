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
    assert list(registered) == ["sigil-basic", "rust-practical-train", "rust-practical-eval"]
    assert len(load_suite(registered["sigil-basic"])) >= 40
    assert len(load_suite(registered["rust-practical-train"])) + len(load_suite(registered["rust-practical-eval"])) >= 100


def test_resolve_suite_by_path(tmp_path: Path) -> None:
    suite = resolve_suite(str(builtin_suites.SUITES_DIR / "sigil_basic.jsonl"))
    assert isinstance(suite, Suite) and suite.name == "sigil_basic"


def test_unknown_suite_is_one_clear_error() -> None:
    with pytest.raises(SigilError, match="no-such-suite"):
        resolve_suite("no-such-suite")


def test_hook_register_suites_through_the_registry(plugin) -> None:
    from sigil import hookimpl
    from sigil.plugins import registry

    builtin = load_suite(builtin_suites.SUITES_DIR / "sigil_basic.jsonl")

    class TeamSuites:
        @hookimpl
        def register_suites(self, register):
            register("team-suite", lambda: Suite(name="team-suite", path=None, problems=builtin.problems[:3]))

    plugin(TeamSuites(), name="team-suites")
    suites = registry("suites")
    assert suites.entry("sigil-basic").plugin == "sigil.functional.builtin_suites"
    assert suites.entry("team-suite").plugin == "team-suites"
    assert len(resolve_suite("team-suite")) == 3
    assert resolve_suite("sigil-basic").name == "sigil-basic"
