"""Stage types of this plugin: ``generate``, ``rsft`` and its control arms ``rsft-control``."""
