"""The plugin's own config section, ``license:``. Strict like every sigil section: a typo is an error."""

from __future__ import annotations

from pydantic import Field, field_validator

from sigil import Section
from sigil_license_filter.spdx import normalise_id


class LicenseSection(Section):
    """Which licences a training file may carry."""

    enabled: bool = Field(default=True, description="Turn the licence filter on or off.")
    allowed: list[str] = Field(
        default_factory=lambda: ["MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "Unlicense", "Zlib"],
        description="SPDX licence ids a file may carry (an OR expression needs one of them, AND needs all).",
    )
    require_header: bool = Field(
        default=False, description="Also drop files that declare no licence (default: keep them)."
    )
    header_lines: int = Field(default=20, gt=0, description="How many lines at the top of a file to search.")

    @field_validator("allowed")
    @classmethod
    def _known_shape(cls, ids: list[str]) -> list[str]:
        for spdx_id in ids:
            if not spdx_id or any(c.isspace() for c in spdx_id.strip()) or "(" in spdx_id:
                raise ValueError(f"{spdx_id!r} is not a single SPDX licence id (write expressions in files, not here)")
        return [normalise_id(spdx_id) for spdx_id in ids]
