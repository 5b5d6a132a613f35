"""The hooks sigil calls. This module is the plugin: the entry point in pyproject.toml names it."""

from __future__ import annotations

import sigil
from sigil import Register
from sigil_license_filter.config import LicenseSection
from sigil_license_filter.filter import LicenseFilter


@sigil.hookimpl
def register_config_sections(register: Register) -> None:
    """Adds the ``license:`` section to every pipeline config (validated by LicenseSection)."""
    register("license", LicenseSection)


@sigil.hookimpl
def register_filters(register: Register) -> None:
    """Adds the ``license`` filter; it runs after the built-in filters (plugins register after built-ins).

    ``reads=("license",)`` puts the ``license:`` section in the data stage's fingerprint: changing it re-runs
    the data stage, changing anything the filter does not read does not."""

    def factory(config: object) -> LicenseFilter | None:
        section: LicenseSection = config.license  # type: ignore[attr-defined]
        if not section.enabled:
            return None
        return LicenseFilter(section.allowed, section.require_header, section.header_lines)

    register("license", factory, reads=("license",))
