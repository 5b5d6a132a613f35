"""Progress for long work: rich bars on a terminal, nothing (or plain log lines) elsewhere, so logs and CI output
stay clean. Bars draw on the terminal itself, never into ``run.log``."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from sigil.observe.console import set_bar_live, terminal

T = TypeVar("T")


def track(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """Iterate ``items`` with a progress bar on stderr when it is a terminal."""
    stream = terminal()
    if stream is None:
        yield from items
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True, console=Console(file=stream)) as progress:
        yield from progress.track(items, total=total, description=description)


class StepProgress:
    """Optimizer steps of a training run: a bar with loss, tokens/s and ETA on a terminal; otherwise it only
    computes the ETA that the plain log lines carry."""

    def __init__(self, description: str) -> None:
        self.description = description
        self.progress: Progress | None = None
        self.task: Any = None
        self.total = 0
        self.first_step = 0
        self.started = 0.0

    def start(self, total: int, done: int = 0) -> None:
        self.total, self.first_step, self.started = total, done, time.monotonic()
        stream = terminal()
        if stream is None:
            return
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[figures]}"), TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn())
        self.progress = Progress(*columns, console=Console(file=stream), redirect_stdout=False, redirect_stderr=False)
        self.task = self.progress.add_task(self.description, total=total, completed=done, figures="")
        self.progress.start()
        set_bar_live(True)

    def update(self, step: int, figures: dict[str, float] | None = None) -> None:
        if self.progress is None:
            return
        if figures:
            self.progress.update(self.task, completed=step, figures="  ".join(f"{k} {v:.4g}" for k, v in figures.items()))
        else:
            self.progress.update(self.task, completed=step)

    def eta_seconds(self, step: int) -> float | None:
        """Seconds left at ``step``, from the pace of the steps taken in this process (a resume starts afresh)."""
        done = step - self.first_step
        if done <= 0 or self.total <= step:
            return None if done <= 0 else 0.0
        return (time.monotonic() - self.started) / done * (self.total - step)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
            set_bar_live(False)


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"
