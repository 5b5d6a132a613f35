"""The evaluation worker: a lean child process that does an evaluation's per-sample work for a process that holds
a model.

Why: every compiler and sandbox run starts with ``fork()`` (the sandbox must set limits, descriptors and a reaper
between fork and exec, which rules out ``posix_spawn``), and fork copies the page tables of the whole process.
A process with torch loaded (about 560 MB resident before any model) made RSFT's verification of 600 samples
take 65 s where a plain process took 22 s; with 2 GB resident, 98 s (bench/evaluator/bench_worker.py). The worker
is a fresh interpreter (``python -m sigil.evaluation.worker``, which Python starts with vfork, cheap from any
process) that imports sigil and the installed plugins, never torch, so its own forks are cheap. It is started on
first use and reused for the life of the process, and it dies with it.

The verdicts are the same either way: the worker runs :func:`~sigil.evaluation.evaluate.evaluate_shard` on the
same samples and settings. A scorer registered at run time (in code, not through an installed plugin) does not
exist in a fresh process, nor does a config section such a plugin adds: then the work runs here, as before, and a
warning says why.
"""

from __future__ import annotations

import atexit
import logging
import os
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from sigil.errors import SigilError

if TYPE_CHECKING:
    from sigil.evaluation.config import EvalConfig
    from sigil.evaluation.evaluate import ShardResult
    from sigil.evaluation.samples import Sample

log = logging.getLogger("sigil")


class Worker:
    """One worker process and its two pipes: requests in (pickled by :class:`Connection`), results out. Not
    ``multiprocessing``: its ``spawn`` re-imports the caller's main module in the child (a training script would
    bring torch back in), while ``python -m sigil.evaluation.worker`` imports sigil alone. Python starts it with
    vfork, which costs the same from a large process as from a small one."""

    def __init__(self) -> None:
        requests_read, requests_write = os.pipe()
        results_read, results_write = os.pipe()
        # the same imports as here: sys.path as this process has it (a test's or a script's additions included)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in sys.path if path)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sigil.evaluation.worker", str(requests_read), str(results_write)],
            pass_fds=(requests_read, results_write), stdin=subprocess.DEVNULL, env=env,
        )
        os.close(requests_read)
        os.close(results_write)
        self.requests = Connection(requests_write, readable=False)
        self.results = Connection(results_read, writable=False)

    def call(self, *args: Any) -> Any:
        """Run :func:`_shard` there; its exception is raised here."""
        try:
            self.requests.send(args)
            ok, value = self.results.recv()
        except (EOFError, OSError):
            raise BrokenPipeError(f"the evaluation worker exited ({self.process.poll()})") from None
        if not ok:
            raise value
        return value

    def close(self) -> None:
        self.requests.close()  # end of file: the worker returns
        self.results.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


_WORKER: Worker | None = None
_LOCK = threading.Lock()
#: what the worker said it cannot run (scorer implementations, config sections): evaluated here from then on, without
#: sending the samples there first; one warning each
_DECLINED: set[tuple[tuple[tuple[str, str], ...], tuple[str, ...]]] = set()


def evaluate_shard_in_worker(
    samples: list[Sample], config: EvalConfig, *, pipeline: Any, run_tests: bool
) -> ShardResult | None:
    """:func:`~sigil.evaluation.evaluate.evaluate_shard` in the worker; None when the worker lacks one of the
    configured scorers as this process has it, or a section of the pipeline config (the caller then runs the work
    itself)."""
    global _WORKER
    raw = pipeline.model_dump() if pipeline is not None else None
    wanted = scorer_origins(config.scorers)
    key = (tuple(wanted.items()), tuple(sorted(raw or ())))
    if key in _DECLINED:
        return None
    with _LOCK:  # one worker, one request at a time
        for attempt in (1, 2):  # a worker that died (killed, out of memory) is replaced once
            if _WORKER is None:
                _WORKER = Worker()
            try:
                result: ShardResult | None = _WORKER.call(samples, config, raw, run_tests, wanted)
                break
            except BrokenPipeError as exc:
                _WORKER.close()
                _WORKER = None
                if attempt == 2:
                    raise SigilError(f"{exc}, twice in a row; its output is above") from None
    if result is None:
        _DECLINED.add(key)
        log.warning("evaluation: a scorer of eval.scorers (%s) or a config section comes from a plugin registered in "
                    "code, not an installed one, so the evaluation worker cannot have it; evaluating in this process "
                    "(slower where it holds a model)", ", ".join(config.scorers))
    return result


@atexit.register
def _close_worker() -> None:
    """At exit: the worker gets end of file and returns, and is waited for (no process left behind)."""
    global _WORKER
    if _WORKER is not None:
        _WORKER.close()
        _WORKER = None


def scorer_origins(names: list[str]) -> dict[str, str]:
    """Each scorer's implementation as ``module.qualname``: equal in the worker means the same code runs there."""
    from sigil.evaluation.scorers import SCORERS
    from sigil.plugins import registry

    scorers = registry(SCORERS)
    origins = {}
    for name in names:
        kind = type(scorers.get(name))
        origins[name] = f"{kind.__module__}.{kind.__qualname__}"
    return origins


def _shard(samples: list[Sample], config: EvalConfig, raw: dict[str, Any] | None, run_tests: bool,
           wanted: dict[str, str]) -> ShardResult | None:
    """In the worker: the shard, with this process's evaluator (built once per config)."""
    from sigil.evaluation.evaluate import _worker_evaluator, evaluate_shard

    try:
        if scorer_origins(list(wanted)) != wanted:
            return None
    except SigilError:  # a name this process does not know
        return None
    pipeline = None
    if raw is not None:
        from sigil.config.loader import validate_config

        try:
            pipeline = validate_config(raw, "the pipeline config (evaluation worker)")
        except SigilError:  # a config section of a plugin registered in code
            return None
    return evaluate_shard(samples, config, pipeline=pipeline, run_tests=run_tests, evaluator=_worker_evaluator(config))


def _serve(requests: Connection, results: Connection) -> None:
    """The worker's loop: a request, its result (or its exception), until the caller closes its end."""
    while True:
        try:
            args = requests.recv()
        except EOFError:
            return
        try:
            reply: tuple[bool, Any] = (True, _shard(*args))
        except Exception as exc:  # the caller raises it; one that does not pickle is sent as its message
            reply = (False, exc)
        try:
            results.send(reply)
        except Exception:
            results.send((False, SigilError(f"evaluation worker: {type(reply[1]).__name__}: {reply[1]}")))


def _tie_to_parent() -> None:
    """Die with the caller (killed with ``kill -9`` included), busy or not: the sandboxes this worker started die
    with it. A watchdog thread, not ``PR_SET_PDEATHSIG``, which fires when the caller's *thread* that started the
    worker ends, not its process. Ctrl-C is the caller's to handle: the worker goes when the caller does."""
    import signal
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="sigil-worker-watchdog", daemon=True).start()
    signal.signal(signal.SIGINT, signal.SIG_IGN)


if __name__ == "__main__":
    _tie_to_parent()
    _serve(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))
