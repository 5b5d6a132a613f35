"""Errors a user can act on. The CLI prints each as one line and exits non-zero, without a traceback."""


class SigilError(Exception):
    """An error in the user's input or environment, explained in one line (file, field, what is wrong)."""


class ConfigError(SigilError):
    """A pipeline config that cannot be loaded or validated."""


class DataError(SigilError):
    """A dataset, sample file or record that cannot be read."""


class PluginError(SigilError):
    """A plugin or component that cannot be loaded or registered."""
