"""The ``panics:`` section: registered through the hook, strict, with one-line errors naming the key."""

from __future__ import annotations

import pytest
from sigil_panic_scorer import PanicsSection

from sigil.config.loader import validate_config
from sigil.errors import ConfigError
from sigil.plugins import registry


def test_registered_section_and_scorer(registered) -> None:
    assert registry("config_sections").get("panics") is PanicsSection
    assert hasattr(registry("scorers").get("panics"), "score")
    config = validate_config({"panics": {"apis": ["unwrap", "assert!"], "allow_in_main": False}}, source="p.yaml")
    assert config.panics == PanicsSection(apis=["unwrap", "assert!"], allow_in_main=False)  # type: ignore[attr-defined]
    assert validate_config({}, source="p.yaml").panics == PanicsSection()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"allow_in_mian": False}, "p.yaml: panics.allow_in_mian: unknown key (did you mean 'allow_in_main'?)"),
        ({"apis": ["unwrap()"]}, "p.yaml: panics.apis: 'unwrap()' is not a method name (unwrap) or a macro name"),
        ({"apis": ["panic !"]}, "'panic !' is not a method name"),
        ({"apis": [], "indexing": False}, "nothing to count: give at least one api or set indexing: true"),
        ({"per_lines": 0}, "p.yaml: panics.per_lines: Input should be greater than 0"),
        ({"allow_in_tests": "sometimes"}, "p.yaml: panics.allow_in_tests: Input should be a valid boolean"),
        ("yes", "p.yaml: panics: Input should be a valid dictionary or instance of PanicsSection"),
    ],
)
def test_section_is_strict(registered, section: object, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        validate_config({"panics": section}, source="p.yaml")
    assert message in str(error.value)


def test_unknown_without_the_plugin() -> None:
    with pytest.raises(ConfigError, match="panics: unknown key; top-level keys and sections: "):
        validate_config({"panics": {}}, source="p.yaml")


def test_apis_are_deduplicated_and_indexing_alone_is_enough() -> None:
    assert PanicsSection(apis=["unwrap", "unwrap", "panic!"]).apis == ["unwrap", "panic!"]
    assert PanicsSection(apis=[], indexing=True).apis == []
