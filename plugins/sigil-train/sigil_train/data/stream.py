"""Streaming mode (``train.streaming: true``): the training split read lazily, tokenized and packed on the fly.

For training splits larger than memory. The file is cut into byte-range shards (a line belongs to the shard
its first byte lies in); each reader (a DataLoader worker on one DDP rank) owns some shards, reads their lines
round-robin so neighbouring examples come from different parts of the file, encodes them with the same
:class:`~sigil_train.data.encode.Encoder` as the cached path, packs windows of examples with the same
:func:`~sigil_train.data.pack.pack_examples`, and passes the rows through a seeded shuffle buffer. Memory per
reader is bounded by the pack window and the shuffle buffer, whatever the file's size.

The stream cycles over the file forever (one cycle is one epoch; the shuffle is reseeded per cycle) and
``train.max_steps`` ends training, so every DDP rank takes the same number of steps even when their shards
hold different numbers of rows. Sharding: the stream is a ``datasets.IterableDataset`` whose ``n_shards`` are
the byte ranges; accelerate gives each rank a contiguous block of them (``IterableDataset.shard``, with
``dispatch_batches`` off, which TRL forces for iterable datasets) and ``datasets`` splits a rank's shards
between its DataLoader workers, so every record is read by exactly one reader per cycle. A file with fewer
shards than ranks falls back to accelerate's ``IterableDatasetShard``: each rank reads everything and keeps
its slice of every global batch (still each row once, at N times the tokenization work).

Deterministic for a seed and a layout (shards, ranks, workers): resuming replays the stream up to the
checkpoint's step (transformers skips the consumed batches), so a resumed run sees the same rows.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from sigil import DataError
from sigil_train.data.encode import Encoder, EncodeStats, Example
from sigil_train.data.pack import pack_examples, unpacked_rows
from sigil_train.data.records import check_record

#: Shards are at least this many bytes (small files get fewer shards, and so fewer parallel readers) ...
MIN_SHARD_BYTES = 1 << 20
#: ... and at most this many: enough for 8 ranks x 8 loader workers.
MAX_SHARDS = 64
#: Examples are packed in windows of this many rows' worth of tokens (fill loss at a window's edge ~1/window).
PACK_WINDOW_ROWS = 64
#: Rows held by the shuffle buffer (as int32 arrays: 8 bytes per token of max_seq_len per row).
SHUFFLE_BUFFER_ROWS = 512

Opener = Callable[[str], IO[bytes]]


def open_binary(path: str) -> IO[bytes]:
    """The default opener: the file, buffered."""
    return open(path, "rb")


@dataclass(frozen=True)
class StreamSpec:
    """Everything a reader needs, pickled into DataLoader workers."""

    path: str
    encoder: Encoder
    pack: bool
    num_shards: int
    seed: int
    shuffle: bool
    pack_window_rows: int = PACK_WINDOW_ROWS
    shuffle_buffer_rows: int = SHUFFLE_BUFFER_ROWS
    #: Passes over the file; None: forever (training stops at max_steps).
    cycles: int | None = None


def default_num_shards(size: int) -> int:
    """Shards for a file of ``size`` bytes: one per MiB, between 1 and :data:`MAX_SHARDS`."""
    return max(1, min(MAX_SHARDS, size // MIN_SHARD_BYTES))


def streaming_dataset(
    path: Path,
    encoder: Encoder,
    pack: bool,
    seed: int,
    shuffle: bool,
    num_shards: int | None = None,
    cycles: int | None = None,
) -> tuple[Any, dict[str, Any]]:
    """The training split as an endless ``datasets.IterableDataset`` of rows, and what it is made of.

    Rows are ``{"input_ids", "labels", "seq_lengths"}`` as in the cached path, for :class:`PackedCollator`.
    Nothing is read here beyond the file's size: encoding statistics are not known ahead in this mode.
    ``num_shards`` defaults to one per MiB (:func:`default_num_shards`); ``cycles`` to endless.
    """
    import datasets

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None
    shards = num_shards or default_num_shards(size)
    spec = StreamSpec(str(path), encoder, pack, shards, seed, shuffle, cycles=cycles)
    # the shard ids are a list in gen_kwargs: that is what datasets splits between ranks and workers
    dataset = datasets.IterableDataset.from_generator(
        stream_rows, gen_kwargs={"shards": list(range(shards)), "spec": spec}
    )
    summary = {
        "cache": "off",
        "streaming": True,
        "bytes": size,
        "shards": shards,
        "pack_window_rows": spec.pack_window_rows if pack else None,
        "shuffle_buffer_rows": spec.shuffle_buffer_rows if shuffle else 0,
    }
    return dataset, summary


def stream_rows(shards: list[int], spec: StreamSpec, opener: Opener = open_binary) -> Iterator[dict[str, Any]]:
    """The rows of ``shards`` of ``spec.path``, cycle after cycle; the generator behind :func:`streaming_dataset`.

    A cycle that yields no row is a DataError (an endless stream would otherwise wait forever).
    """
    bounds = shard_bounds(Path(spec.path), spec.num_shards)
    cycle = 0
    while spec.cycles is None or cycle < spec.cycles:
        # str seeds are hashed with SHA-512 by random.Random: stable across processes and runs
        rng = random.Random(f"sigil-stream/{spec.seed}/{cycle}/{','.join(map(str, shards))}")
        order = list(shards)
        if spec.shuffle:
            rng.shuffle(order)
        records = _interleaved([_shard_records(spec.path, bounds[shard], opener) for shard in order])
        rows = _rows(_examples(records, spec.encoder), spec)
        emitted = 0
        for row in _shuffled(rows, rng, spec.shuffle_buffer_rows) if spec.shuffle else rows:
            emitted += 1
            yield {"input_ids": row["input_ids"].tolist(), "labels": row["labels"].tolist(),
                   "seq_lengths": row["seq_lengths"]}
        if not emitted:
            where = "" if len(shards) == spec.num_shards else f" (this reader's {len(shards)} of {spec.num_shards} shards)"
            raise DataError(f"{spec.path}{where}: no training examples after tokenization")
        cycle += 1


def shard_bounds(path: Path, num_shards: int) -> list[tuple[int, int]]:
    """``num_shards`` byte ranges ``[start, end)`` covering the file."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None
    return [(index * size // num_shards, (index + 1) * size // num_shards) for index in range(num_shards)]


# --- reading: the lines whose first byte lies in a range, round-robin over a reader's shards


def _shard_records(path: str, bounds: tuple[int, int], opener: Opener) -> Iterator[dict[str, Any]]:
    start, end = bounds
    with opener(path) as handle:
        position = start
        if start > 0:
            # the line running through byte start-1 belongs to the previous shard (b"\n" if one ends there)
            handle.seek(start - 1)
            position = start - 1 + len(handle.readline())
        while position < end:
            line = handle.readline()
            if not line:
                break
            offset, position = position, position + len(line)
            if line.strip():
                yield _parse(line, path, offset)


def _parse(line: bytes, path: str, offset: int) -> dict[str, Any]:
    where = f"{path} (line at byte {offset})"
    try:
        record = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DataError(f"{where}: not UTF-8 (byte {exc.start} of the line)") from None
    except ValueError as exc:
        raise DataError(f"{where}: malformed JSON line: {str(exc).splitlines()[0]}") from None
    if not isinstance(record, dict):
        raise DataError(f"{where}: malformed JSON line: expected an object, got {type(record).__name__}")
    return check_record(record, where)


def _interleaved(sources: list[Iterator[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    live = list(sources)
    while live:
        for source in list(live):
            record = next(source, None)
            if record is None:
                live.remove(source)
            else:
                yield record


# --- encoding and packing: the cached path's encoder and packer, one window at a time


def _examples(records: Iterable[dict[str, Any]], encoder: Encoder) -> Iterator[Example]:
    stats = EncodeStats()  # counted but not reported: the stream has no end to report at
    for record in records:
        yield from encoder.encode(record, stats)


def _rows(examples: Iterable[Example], spec: StreamSpec) -> Iterator[dict[str, Any]]:
    max_seq_len = spec.encoder.max_seq_len
    if not spec.pack:
        for example in examples:
            yield from map(_compact, unpacked_rows([example]))
        return
    budget = spec.pack_window_rows * max_seq_len
    window: list[Example] = []
    tokens = 0
    for example in examples:
        window.append(example)
        tokens += len(example.input_ids)
        if tokens >= budget:
            yield from map(_compact, pack_examples(window, max_seq_len))
            window, tokens = [], 0
    if window:
        yield from map(_compact, pack_examples(window, max_seq_len))


def _compact(row: dict[str, Any]) -> dict[str, Any]:
    """A row with int32 arrays: a quarter of the memory of Python int lists while it waits in the buffer."""
    return {"input_ids": np.asarray(row["input_ids"], dtype=np.int32),
            "labels": np.asarray(row["labels"], dtype=np.int32),
            "seq_lengths": row["seq_lengths"]}


def _shuffled(rows: Iterable[dict[str, Any]], rng: random.Random, size: int) -> Iterator[dict[str, Any]]:
    """A shuffle buffer: each incoming row swaps out a random held one; the rest leave shuffled at the end."""
    buffer: list[dict[str, Any]] = []
    for row in rows:
        if len(buffer) < size:
            buffer.append(row)
            continue
        index = rng.randrange(size)
        yield buffer[index]
        buffer[index] = row
    rng.shuffle(buffer)
    yield from buffer
