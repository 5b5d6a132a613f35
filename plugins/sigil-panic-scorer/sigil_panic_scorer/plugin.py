"""The hooks sigil calls. This module is the plugin: the entry point in pyproject.toml names it."""

from __future__ import annotations

import sigil
from sigil import Register
from sigil_panic_scorer.config import PanicsSection
from sigil_panic_scorer.scorer import PanicScorer


@sigil.hookimpl
def register_config_sections(register: Register) -> None:
    """Adds the ``panics:`` section to every pipeline config (validated by PanicsSection)."""
    register("panics", PanicsSection)


@sigil.hookimpl
def register_scorers(register: Register) -> None:
    """Adds the ``panics`` scorer; ``eval.scorers: [compile, ..., panics]`` runs it.

    ``reads=("panics",)`` puts the ``panics:`` section in the fingerprint of every stage that runs the scorer."""
    register("panics", PanicScorer(), reads=("panics",))
