"""Running the filters: record-scope ones over chunks (in worker processes for large inputs, or on a Ray cluster
with ``dataset.backend: ray``), then the corpus-scope ones over everything that survived, in this process.

Each record ends as its final (possibly rewritten) self or as ``(filter name, reason)``. Workers send back only
what changed (dropped or rewritten records), so unchanged records are not pickled twice.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sigil.config import PipelineConfig
from sigil.data.filters import Filter
from sigil.data.records import Drop, Record
from sigil.errors import SigilError
from sigil.observe.progress import track
from sigil.ray_backend import RayConfig

#: Most records per chunk sent to a worker: large enough to amortise pickling, small enough to balance load.
CHUNK_SIZE = 256
#: With ``dataset.workers`` unset, inputs smaller than this are filtered in-process (a pool costs ~0.1 s).
PARALLEL_MIN_RECORDS = 5000

#: The filter name under which inputs a source had to skip (non-UTF-8 files) are counted.
READ_FILTER = "read"

#: A dropped record: the name of the filter that dropped it, its reason and the detail behind it.
Dropped = tuple[str, str, str]


@dataclass(frozen=True)
class NamedFilter:
    """A filter with the name it was registered under (what the statistics call it)."""

    name: str
    filter: Filter


def build_filters(config: PipelineConfig) -> list[NamedFilter]:
    """Every enabled registered filter, in registration order; misbehaving factories are a PluginError."""
    from sigil.data.filters import FILTERS
    from sigil.plugins import registry

    built = []
    for entry in registry(FILTERS):
        instance = entry.component(config)
        if instance is None:
            continue
        scope = getattr(instance, "scope", None)
        if scope not in ("record", "corpus") or not callable(getattr(instance, "apply", None)):
            raise SigilError(
                f"filter {entry.name!r} (plugin {entry.plugin!r}) is not a Filter: it needs scope 'record' or "
                f"'corpus' and an apply(records) method"
            )
        built.append(NamedFilter(entry.name, instance))
    return built


def apply_filters(filters: Sequence[NamedFilter], records: list[Record]) -> list[Record | Dropped]:
    """Run ``filters`` in order over ``records``; each next filter sees only the survivors."""
    results: list[Record | Dropped] = list(records)
    alive = list(range(len(records)))
    for named in filters:
        if not alive:
            break
        batch = [results[index] for index in alive]
        verdicts = named.filter.apply(batch)  # type: ignore[arg-type]
        if len(verdicts) != len(batch):
            raise SigilError(f"filter {named.name!r} returned {len(verdicts)} verdicts for {len(batch)} records")
        survivors = []
        for index, verdict in zip(alive, verdicts):
            if isinstance(verdict, Drop):
                results[index] = (named.name, verdict.reason, verdict.detail)
            elif isinstance(verdict, Record):
                results[index] = verdict
                survivors.append(index)
            else:
                raise SigilError(f"filter {named.name!r} returned a {type(verdict).__name__}, not a Record or Drop")
        alive = survivors
    return results


def worker_count(configured: int | None, records: int) -> int:
    """How many processes filter ``records`` records: ``dataset.workers``, or all cores for large inputs."""
    if configured is not None:
        return configured
    return (os.cpu_count() or 1) if records >= PARALLEL_MIN_RECORDS else 1


def filter_records(
    filters: Sequence[NamedFilter],
    records: list[Record],
    workers: int,
    progress: bool = True,
    ray: RayConfig | None = None,
) -> list[Record | Dropped]:
    """Record-scope filters (on Ray shards with ``ray``, else in ``workers`` processes when > 1), then corpus-scope
    ones here."""
    record_scope = [named for named in filters if named.filter.scope == "record"]
    corpus_scope = [named for named in filters if named.filter.scope == "corpus"]
    # several chunks per worker even for small inputs, so that every worker gets work
    size = max(1, min(CHUNK_SIZE, -(-len(records) // (4 * workers)))) if ray is None else ray.shard_size
    chunks = [records[start : start + size] for start in range(0, len(records), size)]
    results: list[Record | Dropped] = []
    if ray is not None and record_scope:
        from sigil.ray_backend import map_shards

        shards, _ = map_shards(filter_chunk, record_scope, chunks, ray, "dataset.ray", "filtering (ray)")
        for chunk, changed in zip(chunks, shards, strict=True):
            results.extend(_merged(chunk, changed))
    elif workers > 1 and len(chunks) > 1 and record_scope:
        context = multiprocessing.get_context()
        with context.Pool(min(workers, len(chunks)), initializer=_init_worker, initargs=(record_scope,)) as pool:
            changes = pool.imap(_filter_chunk, chunks)
            for chunk, changed in zip(chunks, _tracked(changes, len(chunks), progress)):
                results.extend(_merged(chunk, changed))
    else:
        for chunk in _tracked(chunks, len(chunks), progress):
            results.extend(apply_filters(record_scope, chunk))
    if corpus_scope:
        alive = [index for index, outcome in enumerate(results) if isinstance(outcome, Record)]
        corpus_results = apply_filters(corpus_scope, [results[index] for index in alive])  # type: ignore[misc]
        for index, outcome in zip(alive, corpus_results):
            results[index] = outcome
    return results


def _merged(chunk: list[Record], changed: list[tuple[int, Record | Dropped]]) -> list[Record | Dropped]:
    merged: list[Record | Dropped] = list(chunk)
    for index, outcome in changed:
        merged[index] = outcome
    return merged


def _tracked(items: Iterable[Any], total: int, progress: bool) -> Iterable[Any]:
    return track(items, "filtering", total=total) if progress else items


# --- worker side (a pool process or a Ray worker): only what changed goes back


def filter_chunk(filters: Sequence[NamedFilter], chunk: list[Record]) -> list[tuple[int, Record | Dropped]]:
    """``apply_filters`` on one chunk, as ``(position, outcome)`` for the records dropped or rewritten."""
    outcomes = apply_filters(filters, chunk)
    return [(index, outcome) for index, (record, outcome) in enumerate(zip(chunk, outcomes)) if outcome is not record]


#: A pool process's filters: they arrive once per process, then chunks stream through.
_WORKER_FILTERS: list[NamedFilter] = []


def _init_worker(filters: list[NamedFilter]) -> None:
    _WORKER_FILTERS[:] = filters


def _filter_chunk(chunk: list[Record]) -> list[tuple[int, Record | Dropped]]:
    return filter_chunk(_WORKER_FILTERS, chunk)
