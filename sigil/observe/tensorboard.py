"""Built-in plugin: numeric metrics as TensorBoard scalars, when the ``tensorboardX`` package is installed.

Writes event files with tensorboardX's public ``SummaryWriter`` under ``misc.logging_dir``, default
``<run dir>/logs``. Without tensorboardX this plugin does nothing: the JSONL log always has everything.
"""

from __future__ import annotations

import importlib.util
import sys
from numbers import Real
from pathlib import Path
from typing import Any

from sigil.hookspecs import hookimpl

_writers: dict[str, Any] = {}
_logging_dirs: dict[str, str] = {}


def available() -> bool:
    return importlib.util.find_spec("tensorboardX") is not None


def summary_writer_class() -> Any:
    """tensorboardX's ``SummaryWriter``, imported without dragging torch in when this run has not loaded it.

    tensorboardX imports torch only to accept tensors as values (2-3 s on a CPU machine); sigil logs plain
    numbers, so a data- or evaluation-only run imports it as if torch were absent (``None`` in ``sys.modules``
    makes ``import torch`` raise ImportError, which tensorboardX handles) and stays fast.
    """
    if "tensorboardX" in sys.modules or "torch" in sys.modules:
        from tensorboardX import SummaryWriter

        return SummaryWriter
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        from tensorboardX import SummaryWriter
    finally:
        del sys.modules["torch"]
    return SummaryWriter


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
        logging_dir = _logging_dirs.get(run_dir, str(Path(run_dir) / "logs"))
        Path(logging_dir).mkdir(parents=True, exist_ok=True)
        writer = _writers[run_dir] = summary_writer_class()(logdir=logging_dir, flush_secs=10)
    for key, value in scalars.items():
        writer.add_scalar(f"{stage}/{key}", float(value), global_step=step or 0)


@hookimpl
def on_run_end(run_dir: str, status: str) -> None:
    writer = _writers.pop(run_dir, None)
    if writer is not None:
        writer.close()
    _logging_dirs.pop(run_dir, None)
