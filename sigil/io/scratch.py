"""Temporary files that do not outlive sigil: gone after any ending, success, error, SIGTERM or ``kill -9``.

Compile batches, program jails and atomic writes all make temporary directories (Python's ``tempfile`` and the
native evaluator's ``tempfile`` crate both honour ``TMPDIR``). Left in ``/tmp`` by a killed process they pile
up where nobody looks. :func:`scratch_dir` points ``TMPDIR`` at one fresh ``sigil-scratch-*`` directory for the
duration, so everything temporary of one process sits in one place:

- on a normal exit, an error or Ctrl-C the directory is removed;
- SIGTERM becomes ``KeyboardInterrupt`` (a graceful stop: the same clean-up, the same "interrupted" status);
- ``kill -9`` runs nothing, so each scratch directory holds a lock for its owner's lifetime, and the next sigil
  to start removes every scratch directory whose lock it can take (its owner is dead): cleaned on start.

sigil uses it around evaluation (:func:`sigil.evaluation.evaluate.evaluate`, which ``sigil eval``, the evaluate
stage and RSFT share): that is where compilers and jails make their directories. A whole pipeline run does not
move its temporary directory, so caches kept there across runs (torch's inductor cache) stay where they are.

The scratch directories stay in the system temporary directory rather than under the output directory on
purpose: jailed test programs run as their own uid and must be able to reach their binary there, and a
user's output directory often sits below a home directory that other uids cannot enter.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

#: The name prefix of every scratch directory.
PREFIX = "sigil-scratch-"
_LOCK = ".owner.lock"
#: This process's scratch directory while one is in use.
_active: Path | None = None
#: ``TMPDIR`` and ``tempfile.tempdir`` as they were before it.
_before: tuple[str | None, str | None] = (None, None)
#: A directory younger than this may belong to a process between creating it and locking it: left alone.
_GRACE_S = 5.0


@contextlib.contextmanager
def scratch_dir(parent: str | Path | None = None) -> Iterator[Path]:
    """Make this process's temporary files live in a fresh directory in ``parent`` (default: the system
    temporary directory), and remove what killed processes left there (see the module). Re-entrant: inside
    another scratch directory of this process it yields that one."""
    global _active, _before
    if _active is not None:
        yield _active
        return
    root = Path(parent) if parent is not None else Path(tempfile.gettempdir())
    remove_orphans(root)
    path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=root))
    path.chmod(0o711)  # jailed programs (another uid) pass through to their binary; nobody else can list it
    lock = os.open(path / _LOCK, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
    fcntl.flock(lock, fcntl.LOCK_EX)
    saved_env, saved_tempdir = _before = os.environ.get("TMPDIR"), tempfile.tempdir
    os.environ["TMPDIR"] = str(path)
    tempfile.tempdir = str(path)
    _active = path
    try:
        with _sigterm_interrupts():
            yield path
    finally:
        _active = None
        if saved_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved_env
        tempfile.tempdir = saved_tempdir
        shutil.rmtree(path, ignore_errors=True)
        os.close(lock)


@contextlib.contextmanager
def outside_scratch() -> Iterator[None]:
    """The temporary directory as it was before this process's scratch directory, for the duration: for starting
    processes that outlive the scratch directory (a local Ray cluster, whose session files and workers would
    otherwise sit in a directory removed under them)."""
    if _active is None:
        yield
        return
    inside_env, inside_tempdir = os.environ.get("TMPDIR"), tempfile.tempdir
    _set_tmpdir(*_before)
    try:
        yield
    finally:
        _set_tmpdir(inside_env, inside_tempdir)


def _set_tmpdir(env: str | None, tempdir: str | None) -> None:
    if env is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = env
    tempfile.tempdir = tempdir


def remove_orphans(root: Path) -> list[Path]:
    """Remove the scratch directories in ``root`` whose owning process is gone; return them."""
    removed = []
    for path in root.glob(f"{PREFIX}*"):
        try:
            if time.time() - path.lstat().st_mtime < _GRACE_S or not path.is_dir():
                continue
            lock = os.open(path / _LOCK, os.O_WRONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            lock = None  # killed between creating the directory and locking it
        except OSError:
            continue
        if lock is not None:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # its owner is alive
            finally:
                os.close(lock)
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread; its owner decides
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
