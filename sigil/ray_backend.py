"""The Ray backend: the work the local backend does, cut into shards and spread over a Ray cluster.

Evaluation (``eval.backend: ray``) and the data stage's record-scope filters (``dataset.backend: ray``) hand
:func:`map_shards` the same module-level function their local backend runs
(:func:`sigil.evaluation.evaluate.evaluate_shard`, :func:`sigil.data.filtering.filter_chunk`): one
implementation, run in this process or on a worker. Because each shard's result depends only on the shard (the
evaluator promises a sample's verdict is the one it gets alone; record-scope filters judge each record alone),
the reassembled results are those of the local backend, item by item.

- **Cluster.** ``address`` joins a running cluster (what ``ray start --head`` prints, ``auto``, or
  ``ray://host:port``); unset starts a local one in this process, stopped when sigil exits. An unreachable address
  is one error line before any work.
- **Back-pressure.** At most ``max_in_flight`` shards are submitted at a time (default: twice the shards the
  cluster runs at once), so neither the object store nor the driver holds every shard's input and output at once.
- **A lost worker** (killed, out of memory, node gone) costs its shard a resubmission, up to ``retries`` times.
  Results are kept by shard index and a shard's result is accepted once, so nothing is counted twice. An error
  raised by the work itself is not retried: it would be the same on any worker.
- **Progress** is a bar over finished shards on the driver.

Every worker must run the same sigil, evaluator wheel, toolchain and plugins as the driver (the same image);
evaluation checks that the workers' toolchains agree.
"""

from __future__ import annotations

import collections
import importlib.util
import logging
import os
import socket
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from sigil.config.section import Section
from sigil.errors import ConfigError, SigilError
from sigil.io.scratch import outside_scratch
from sigil.observe.progress import track

log = logging.getLogger(__name__)

#: The install line for the optional dependency.
INSTALL = "pip install 'sigil[ray]'"


class RayConfig(Section):
    """Where and how shards run when the backend is ``ray``. None of it changes results (the sections that hold it
    mark it ``NotFingerprinted``)."""

    address: str | None = Field(
        default=None,
        description="Ray cluster to join (`host:port` as `ray start --head` prints it, `auto`, `ray://host:port`); "
        "null: start a local cluster on this machine.",
    )
    shard_size: int = Field(default=64, ge=1, description="Samples per Ray task.")
    max_in_flight: int | None = Field(
        default=None, ge=1,
        description="Most shards submitted at once (back-pressure); null: twice the tasks the cluster runs at once.",
    )
    retries: int = Field(
        default=3, ge=0, description="Resubmissions of a shard whose worker was lost (its errors are not retried)."
    )
    cpus_per_task: int = Field(
        default=1, ge=1, description="CPUs Ray reserves for one shard (evaluation: its compiler processes)."
    )


def ray_missing() -> str | None:
    """Why ``backend: ray`` cannot be used here, or None (cheap: nothing is imported)."""
    return None if importlib.util.find_spec("ray") else f"the ray backend needs the ray package: {INSTALL}"


def require_ray(key: str) -> None:
    """A one-line error naming ``key`` when the ray package is missing."""
    if missing := ray_missing():
        raise ConfigError(f"{key}: {missing}")


# --- joining or starting the cluster

_NOT_YET = object()
#: The address this process joined (None: the local cluster it started), once it has.
_joined: Any = _NOT_YET


def connect(config: RayConfig, key: str) -> Any:
    """The ``ray`` module, connected: to ``config.address``, or to a local cluster started here. Idempotent (one
    cluster per process). ``key`` names the config section in errors."""
    require_ray(key)
    import ray

    global _joined
    address = config.address
    check_reachable(config, key)
    if ray.is_initialized():  # joined by sigil, or by the caller's own ray.init()
        if _joined is not _NOT_YET and _joined != address:
            # eval.ray and dataset.ray naming different clusters: the second would silently run on the first
            raise ConfigError(f"{key}.address: this process already joined {_joined or 'a local cluster'} and "
                              f"joins one cluster only (asked for {address or 'a local cluster'})")
        return ray
    options: dict[str, Any] = {"logging_level": logging.WARNING, "configure_logging": False}
    if not address:
        options.update(include_dashboard=False)
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no network calls home from a training host
    try:
        with outside_scratch():  # a local cluster outlives this evaluation's scratch directory
            ray.init(address=address, **options)
    except Exception as exc:  # ray raises ConnectionError, RuntimeError, ValueError for the same cause
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        where = f"join the Ray cluster at {address}" if address else "start a local Ray cluster"
        raise ConfigError(f"{key}.address: cannot {where}: {first}") from None
    _joined = address
    resources = ray.cluster_resources()
    log.info("ray: %s, %d CPUs on %d nodes", address or "local cluster", int(resources.get("CPU", 0)),
             len([node for node in ray.nodes() if node.get("Alive")]))
    return ray


def check_reachable(config: RayConfig, key: str) -> None:
    """A TCP connection to ``config.address`` within seconds (ray.init keeps retrying an address nobody answers
    on); stages call it from their ``check``, so a pipeline stops on a wrong address before its first stage."""
    address = config.address
    if not address or address == "auto":
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"{key}.address: {address!r} is not host:port (or auto, or ray://host:port)")
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as exc:
        raise ConfigError(f"{key}.address: no Ray cluster at {address}: {exc.strerror or exc}") from None


# --- shards out, results back in order


@dataclass
class ShardRun:
    """What distributing cost: shards, resubmissions after a lost worker, distinct worker processes used."""

    shards: int = 0
    retries: int = 0
    workers: set[tuple[str, int]] = field(default_factory=set)

    def metrics(self) -> dict[str, int]:
        return {"ray_shards": self.shards, "ray_retries": self.retries, "ray_workers": len(self.workers)}


def sigil_shard(function: Callable[[Any, Any], Any], shared: Any, shard: Any) -> tuple[str, int, Any]:
    """One shard on a worker: ``function(shared, shard)`` and where it ran. (A worker running one shows
    ``ray::sigil_shard`` as its process title.)"""
    import ray

    return ray.get_runtime_context().get_node_id(), os.getpid(), function(shared, shard)


_remote: Any = None


def map_shards(
    function: Callable[[Any, Any], Any],
    shared: Any,
    shards: Sequence[Any],
    config: RayConfig,
    key: str,
    description: str,
) -> tuple[list[Any], ShardRun]:
    """``[function(shared, shard) for shard in shards]``, each call a Ray task; ``shared`` goes to the object store
    once. ``function`` must be importable on the workers (a module-level function of an installed package)."""
    global _remote
    ray = connect(config, key)
    if _remote is None:
        # retried here, not by Ray: a resubmission is counted and logged, and errors of the work are never retried
        _remote = ray.remote(max_retries=0)(sigil_shard)
    task = _remote.options(num_cpus=config.cpus_per_task)
    concurrent = max(1, int(ray.cluster_resources().get("CPU", 1)) // config.cpus_per_task)
    limit = config.max_in_flight or 2 * concurrent
    lost = _lost_worker_errors(ray)
    run = ShardRun(shards=len(shards))
    results: dict[int, Any] = {}

    def finished() -> Iterator[int]:
        shared_ref = ray.put(shared)
        queue = collections.deque(range(len(shards)))
        attempts = [0] * len(shards)
        pending: dict[Any, int] = {}
        while queue or pending:
            while queue and len(pending) < limit:
                index = queue.popleft()
                pending[task.remote(function, shared_ref, shards[index])] = index
            ray.wait(list(pending), num_returns=1)  # block until one is done, then take every one that is
            done, _ = ray.wait(list(pending), num_returns=len(pending), timeout=0)
            for ref in done:
                index = pending.pop(ref)
                try:
                    node, pid, value = ray.get(ref)
                except ray.exceptions.RayTaskError as exc:
                    cause = getattr(exc, "cause", None)
                    if isinstance(cause, SigilError):
                        raise cause from None
                    raise
                except lost as exc:
                    attempts[index] += 1
                    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                    if attempts[index] > config.retries:
                        raise SigilError(f"{key}: shard {index} lost its worker {attempts[index]} times, the last: "
                                         f"{reason}") from None
                    log.warning("ray: shard %d lost its worker (%s); resubmitted (%d of %d)", index,
                                type(exc).__name__, attempts[index], config.retries)
                    run.retries += 1
                    queue.appendleft(index)
                    continue
                if index in results:
                    continue  # accepted once: a shard's items are never counted twice
                results[index] = value
                run.workers.add((node, pid))
                yield index

    for _ in track(finished(), description, total=len(shards)):
        pass
    log.info("ray: %d shards on %d worker processes, %d resubmitted after a lost worker", run.shards,
             len(run.workers), run.retries)
    return [results[index] for index in range(len(shards))], run


def _lost_worker_errors(ray: Any) -> tuple[type[BaseException], ...]:
    """The errors that mean the shard's worker (or its node, or the object holding its result) is gone."""
    exceptions = ray.exceptions
    names = ("WorkerCrashedError", "NodeDiedError", "ObjectLostError", "OutOfMemoryError", "LocalRayletDiedError",
             "RayActorError")
    return tuple(getattr(exceptions, name) for name in names if hasattr(exceptions, name))
