"""Built-in plugin: ``<run dir>/run.log``, a copy of everything a ``sigil run`` prints (log lines, warnings,
library output written through Python's streams); appended to, so a resumed run keeps the earlier attempts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sigil.hookspecs import hookimpl
from sigil.observe.console import start_run_log, stop_run_log


@hookimpl
def on_run_start(run_dir: str, config: dict[str, Any]) -> None:
    start_run_log(Path(run_dir) / "run.log")


@hookimpl
def on_run_end(run_dir: str, status: str) -> None:
    stop_run_log()
