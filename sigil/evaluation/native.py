"""The native evaluator wheel, imported once and checked against the version sigil was built for."""

from __future__ import annotations

from types import ModuleType

from sigil.errors import SigilError

#: The sigil-evaluator version this sigil is pinned to (pyproject.toml says the same).
REQUIRED_VERSION = "0.1.0"


def evaluator_module() -> ModuleType:
    """``sigil_evaluator``, or a one-line error saying how to install the right version."""
    try:
        import sigil_evaluator
    except ImportError:
        raise SigilError(
            "the native evaluator is not installed: pip install ./evaluator-rs (or `make install`)"
        ) from None
    if sigil_evaluator.__version__ != REQUIRED_VERSION:
        raise SigilError(
            f"sigil needs sigil-evaluator=={REQUIRED_VERSION} but {sigil_evaluator.__version__} is installed: "
            "pip install ./evaluator-rs"
        )
    return sigil_evaluator
