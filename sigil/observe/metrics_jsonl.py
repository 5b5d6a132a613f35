"""Built-in plugin: every metric logged during a run becomes one line of ``<run dir>/metrics.jsonl``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sigil.hookspecs import hookimpl
from sigil.io import append_jsonl_line


@hookimpl
def on_metrics(run_dir: str, stage: str, step: int | None, metrics: dict[str, Any]) -> None:
    record: dict[str, Any] = {"time": round(time.time(), 3), "stage": stage}
    if step is not None:
        record["step"] = step
    record.update(metrics)
    append_jsonl_line(Path(run_dir) / "metrics.jsonl", record)
