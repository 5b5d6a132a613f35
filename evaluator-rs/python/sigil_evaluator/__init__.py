"""sigil's native evaluator: compile + clippy verdicts for Rust samples.

Checks run ``clippy-driver`` (found by absolute path in the toolchain's sysroot) inside a
bubblewrap sandbox, many samples per compiler process, with an optional on-disk cache::

    from sigil_evaluator import Evaluator
    ev = Evaluator(cache_dir="~/.cache/sigil-eval")
    [r["status"] for r in ev.check([source_a, source_b])]

``score`` rates sources for idiomatic style and documentation on a tree-sitter syntax tree,
``mask_rust`` blanks the comments and literal bodies of Rust source for text filters, and
``run_programs`` builds and runs whole programs against their tests in the sandbox.

The package stands alone: it does not import or need ``sigil``.
"""

from sigil_evaluator._native import (
    FORMULA_VERSION,
    Evaluator,
    __version__,
    crate_kind,
    default_weights,
    extract_code,
    mask_rust,
    prefilter,
    run_programs,
    score,
    toolchain_info,
)
from sigil_evaluator.results import CheckResult

__all__ = [
    "FORMULA_VERSION",
    "CheckResult",
    "Evaluator",
    "__version__",
    "crate_kind",
    "default_weights",
    "extract_code",
    "mask_rust",
    "prefilter",
    "run_programs",
    "score",
    "toolchain_info",
]
