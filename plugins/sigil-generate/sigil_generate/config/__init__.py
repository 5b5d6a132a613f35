"""The config sections this plugin owns: ``generate`` and ``rsft``."""

from sigil_generate.config.sections import GenerateSection, RsftSection

__all__ = ["GenerateSection", "RsftSection"]
