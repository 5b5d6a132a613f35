"""Built-in plugin: numeric metrics as TensorBoard scalars, when the ``tensorboard`` package is installed.

Writes event files with tensorboard's own writer (no torch import: a data-only run stays fast) under
``misc.logging_dir``, default ``<run dir>/logs``. Without tensorboard this plugin does nothing: the JSONL log
always has everything.
"""

from __future__ import annotations

import importlib.util
import time
from numbers import Real
from pathlib import Path
from typing import Any

from sigil.hookspecs import hookimpl

_writers: dict[str, Any] = {}
_logging_dirs: dict[str, str] = {}


def available() -> bool:
    return importlib.util.find_spec("tensorboard") is not None


@hookimpl
def on_run_start(run_dir: str, config: dict[str, Any]) -> None:
    logging_dir = (config.get("misc") or {}).get("logging_dir")
    _logging_dirs[run_dir] = logging_dir or str(Path(run_dir) / "logs")


@hookimpl
def on_metrics(run_dir: str, stage: str, step: int | None, metrics: dict[str, Any]) -> None:
    scalars = {k: v for k, v in metrics.items() if isinstance(v, Real) and not isinstance(v, bool)}
    if not scalars or not available():
        return
    from tensorboard.compat.proto.event_pb2 import Event
    from tensorboard.compat.proto.summary_pb2 import Summary
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    writer = _writers.get(run_dir)
    if writer is None:
        logging_dir = _logging_dirs.get(run_dir, str(Path(run_dir) / "logs"))
        Path(logging_dir).mkdir(parents=True, exist_ok=True)
        writer = _writers[run_dir] = EventFileWriter(logging_dir)
    values = [Summary.Value(tag=f"{stage}/{key}", simple_value=float(value)) for key, value in scalars.items()]
    writer.add_event(Event(wall_time=time.time(), step=step or 0, summary=Summary(value=values)))


@hookimpl
def on_run_end(run_dir: str, status: str) -> None:
    writer = _writers.pop(run_dir, None)
    if writer is not None:
        writer.close()
    _logging_dirs.pop(run_dir, None)
