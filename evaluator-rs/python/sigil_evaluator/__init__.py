"""sigil's native evaluator: compile + clippy verdicts for Rust samples.

Checks run ``clippy-driver`` (found by absolute path in the toolchain's sysroot) inside a
bubblewrap sandbox, many samples per compiler process, with an optional on-disk cache::

    from sigil_evaluator import Evaluator
    ev = Evaluator(cache_dir="~/.cache/sigil-eval")
    [r["status"] for r in ev.check([source_a, source_b])]

``score`` rates sources for idiomatic style and documentation on a tree-sitter syntax tree,
``analyze_rust``, ``split_rust`` and ``find_panics`` answer the data filters' and scorers' questions about
Rust source on the same tree (test code stripped, markers, generated-code shapes, item boundaries, panics), and
``run_programs`` builds and runs whole programs against their tests in the sandbox.

The package stands alone: it does not import or need ``sigil``.
"""

from sigil_evaluator._native import (
    FORMULA_VERSION,
    Evaluator,
    __version__,
    analyze_rust,
    crate_kind,
    default_weights,
    extract_code,
    find_panics,
    prefilter,
    run_programs,
    score,
    split_rust,
    toolchain_info,
)
from sigil_evaluator.results import CheckResult

__all__ = [
    "FORMULA_VERSION",
    "CheckResult",
    "Evaluator",
    "__version__",
    "analyze_rust",
    "crate_kind",
    "default_weights",
    "extract_code",
    "find_panics",
    "prefilter",
    "run_programs",
    "score",
    "split_rust",
    "toolchain_info",
]
