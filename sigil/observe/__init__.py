"""Observing runs: metric loggers (plugins on the observation hooks), progress bars, console logging."""
