"""Built-in plugin: numeric metrics as TensorBoard scalars, when a TensorBoard writer is installed.

Uses ``torch.utils.tensorboard`` (needs the ``tensorboard`` package) and writes under ``misc.logging_dir``,
default ``<run dir>/logs``. Without it, this plugin does nothing: the JSONL log always has everything.
"""

from __future__ import annotations

import importlib.util
from numbers import Real
from pathlib import Path
from typing import Any

from sigil.hookspecs import hookimpl

_writers: dict[str, Any] = {}
_logging_dirs: dict[str, str] = {}


def available() -> bool:
    return importlib.util.find_spec("tensorboard") is not None and importlib.util.find_spec("torch") is not None


@hookimpl
def on_run_start(run_dir: str, config: dict[str, Any]) -> None:
    logging_dir = (config.get("misc") or {}).get("logging_dir")
    _logging_dirs[run_dir] = logging_dir or str(Path(run_dir) / "logs")


@hookimpl
def on_metrics(run_dir: str, stage: str, step: int | None, metrics: dict[str, Any]) -> None:
    scalars = {k: v for k, v in metrics.items() if isinstance(v, Real) and not isinstance(v, bool)}
    if not scalars or not available():
        return
    writer = _writers.get(run_dir)
    if writer is None:
        from torch.utils.tensorboard import SummaryWriter

        writer = _writers[run_dir] = SummaryWriter(_logging_dirs.get(run_dir, str(Path(run_dir) / "logs")))
    for key, value in scalars.items():
        writer.add_scalar(f"{stage}/{key}", value, global_step=step or 0)


@hookimpl
def on_run_end(run_dir: str, status: str) -> None:
    writer = _writers.pop(run_dir, None)
    if writer is not None:
        writer.close()
    _logging_dirs.pop(run_dir, None)
