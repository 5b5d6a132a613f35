"""Built-in plugin: every metric logged during a run becomes one line of ``<run dir>/metrics.jsonl``.

Lines are appended whole (:func:`sigil.io.append_jsonl_line`), and after a torn line (a writer killed mid-line
by an older sigil, a full disk) the next record starts on a fresh line; :func:`read_metrics` skips a torn line
with a warning instead of failing or losing the records around it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sigil.hookspecs import hookimpl
from sigil.io import append_jsonl_line, read_jsonl

log = logging.getLogger(__name__)


@hookimpl
def on_metrics(run_dir: str, stage: str, step: int | None, metrics: dict[str, Any]) -> None:
    record: dict[str, Any] = {"time": round(time.time(), 3), "stage": stage}
    if step is not None:
        record["step"] = step
    record.update(metrics)
    append_jsonl_line(Path(run_dir) / "metrics.jsonl", record)


def read_metrics(path: str | Path) -> Iterator[dict[str, Any]]:
    """Every whole record of a metrics log, in order; a torn or otherwise malformed line is skipped with a
    warning that names it."""
    bad: list[str] = []
    for record in read_jsonl(path, skip_bad_lines=True, bad_lines=bad):
        while bad:
            log.warning("skipped: %s", bad.pop(0))
        yield record
    for message in bad:
        log.warning("skipped: %s", message)
