"""Console logging: one concise line per event on stderr, a copy of everything printed in ``run.log``, and
library deprecation warnings kept off the user's screen."""

from __future__ import annotations

import logging
import sys
import warnings
from pathlib import Path
from typing import IO, Any

#: Libraries whose FutureWarning/DeprecationWarning noise the ``sigil`` command filters: their own internals
#: warn about their own renames on every run (transformers' ``is_gradient_checkpointing``, ...), which a user can
#: do nothing about. In-process callers (tests, notebooks) keep Python's warning behaviour.
NOISY_LIBRARIES = ("transformers", "trl", "peft", "accelerate", "torch", "huggingface_hub", "datasets", "bitsandbytes")


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (test runners, progress bars and run logs swap it).

    A record marked ``progress`` (a training step's line) goes only to ``run.log`` while a progress bar shows the
    same figures on the terminal: the bar and interleaved lines would garble each other.
    """

    @property  # type: ignore[override]
    def stream(self):  # noqa: ANN201
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "progress", False) and _state.bar_live:
            if _state.run_log is not None:
                _state.run_log.write(self.format(record) + "\n")
                _state.run_log.flush()
            return
        super().emit(record)


def configure_logging(verbose: bool = False) -> None:
    """Log sigil's messages at INFO (DEBUG with ``verbose``) to stderr, once."""
    root = logging.getLogger("sigil")
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    if not any(isinstance(handler, _CurrentStderr) for handler in root.handlers):
        handler = _CurrentStderr()
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%H:%M:%S"))
        root.addHandler(handler)
    root.propagate = False


def filter_library_deprecations() -> None:
    """Hide FutureWarning/DeprecationWarning raised inside :data:`NOISY_LIBRARIES` (the ``sigil`` command only)."""
    pattern = r"(" + "|".join(NOISY_LIBRARIES) + r")(\..*)?$"
    for category in (FutureWarning, DeprecationWarning):
        warnings.filterwarnings("ignore", category=category, module=pattern)
    try:  # transformers' own logger repeats some of them as log lines
        from transformers.utils import logging as hf_logging
    except ImportError:
        return
    hf_logging.set_verbosity_error()


# --- run.log: everything written to stdout/stderr during a run, also in the run directory


class _State:
    run_log: IO[str] | None = None
    saved: tuple[Any, Any] | None = None
    bar_live: bool = False


_state = _State()


class _Tee:
    """A text stream that writes to the terminal stream it replaced and to ``run.log``."""

    def __init__(self, stream: Any, log: IO[str]) -> None:
        self.stream, self.log = stream, log

    def write(self, text: str) -> int:
        self.log.write(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.log.flush()
        self.stream.flush()

    def isatty(self) -> bool:
        return bool(self.stream.isatty())

    def __getattr__(self, name: str) -> Any:  # encoding, fileno, ... of the real stream
        return getattr(self.stream, name)


def start_run_log(path: Any) -> None:
    """Copy stdout and stderr to ``path`` (appended: a resumed run keeps its history) until :func:`stop_run_log`."""
    if _state.run_log is not None:
        stop_run_log()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    log = open(path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 (closed by stop_run_log)
    _state.run_log, _state.saved = log, (sys.stdout, sys.stderr)
    sys.stdout, sys.stderr = _Tee(sys.stdout, log), _Tee(sys.stderr, log)  # type: ignore[assignment]


def stop_run_log() -> None:
    if _state.run_log is None:
        return
    assert _state.saved is not None
    # restore only what we installed: something else (a test's capture) may have replaced it since
    if isinstance(sys.stdout, _Tee) and sys.stdout.log is _state.run_log:
        sys.stdout = _state.saved[0]
    if isinstance(sys.stderr, _Tee) and sys.stderr.log is _state.run_log:
        sys.stderr = _state.saved[1]
    _state.run_log.close()
    _state.run_log, _state.saved = None, None


def terminal() -> Any | None:
    """The terminal stream behind stderr (under any run-log tee), or None when stderr is not a terminal."""
    stream = sys.stderr.stream if isinstance(sys.stderr, _Tee) else sys.stderr
    return stream if stream.isatty() else None


def set_bar_live(live: bool) -> None:
    _state.bar_live = live
