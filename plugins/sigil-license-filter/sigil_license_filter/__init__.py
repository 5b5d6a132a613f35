"""sigil-license-filter: drop Rust files whose licence header is not in an allowed SPDX list."""

from sigil_license_filter.config import LicenseSection
from sigil_license_filter.filter import LicenseFilter
from sigil_license_filter.spdx import allowed_by, find_license

__version__ = "0.1.0"

__all__ = ["LicenseFilter", "LicenseSection", "__version__", "allowed_by", "find_license"]
