"""Stage types of this plugin: ``generate`` and ``rsft``."""
