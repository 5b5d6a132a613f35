"""sigil: fine-tune large language models to write Rust that compiles, passes clippy and reads idiomatically.

Plugins write ``@sigil.hookimpl`` on functions named after the hooks in :mod:`sigil.hookspecs`.
"""

from sigil.hookspecs import hookimpl

__version__ = "0.1.0"

__all__ = ["__version__", "hookimpl"]
