"""Tokenized, packed splits cached on disk by a fingerprint of everything they depend on.

The key covers the split file's bytes, the tokenizer (its vocabulary, merges and special tokens), the
prompt template, ``max_seq_len``, packing and the encoder version: phase 2, resumes and sweeps that share
them reuse the cache; changing any of them builds a new entry. Records are encoded in worker processes
(``train.tokenize_workers``); rows are packed in the parent so the result does not depend on the workers.
Entries are written to a temporary directory and renamed into place, so a crash leaves no half entry.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sigil import atomic_write_json
from sigil_train.data.encode import ENCODER_VERSION, Encoder, EncodeStats, Example
from sigil_train.data.pack import pack_examples, unpacked_rows
from sigil_train.data.records import read_records

#: Below this many records a worker pool costs more than it saves.
MIN_RECORDS_FOR_WORKERS = 64
CHUNK_RECORDS = 512


def default_cache_dir(configured: str | None) -> Path:
    """``dataset.cache_dir``, else ``$SIGIL_CACHE_DIR``, else ``~/.cache/sigil``."""
    if configured:
        return Path(configured).expanduser()
    return Path(os.environ.get("SIGIL_CACHE_DIR") or Path.home() / ".cache" / "sigil")


def tokenizer_fingerprint(tokenizer: Any) -> str:
    """A hash of the tokenizer's full definition (vocabulary, merges, normalisers, special tokens)."""
    digest = hashlib.sha256(tokenizer.backend_tokenizer.to_str().encode())
    digest.update(json.dumps(sorted(tokenizer.special_tokens_map.items()), default=str).encode())
    return digest.hexdigest()[:16]


def file_fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def split_key(path: Path, encoder: Encoder, pack: bool) -> str:
    """The cache key of one split."""
    payload = {
        "data": file_fingerprint(path),
        "tokenizer": tokenizer_fingerprint(encoder.tokenizer),
        "template": encoder.template_fingerprint(),
        "max_seq_len": encoder.max_seq_len,
        "pack": pack,
        "encoder": ENCODER_VERSION,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:20]


def load_or_build(
    path: Path, encoder: Encoder, pack: bool, cache_dir: Path, workers: int, log: Any, use_cache: bool = True
) -> tuple[Any, dict[str, Any]]:
    """The split as a ``datasets.Dataset`` of rows and its statistics, from the cache or built now.

    ``use_cache=False`` tokenizes in memory and writes nothing to the cache: the validation split under
    ``train.streaming: true``, whose training split streams instead (:mod:`sigil_train.data.stream`).
    """
    import datasets

    datasets.disable_progress_bars()
    key = split_key(path, encoder, pack)
    entry = cache_dir / "tokenized" / key
    if use_cache and (entry / "stats.json").exists():
        log.info("tokenized %s: cache hit %s", path.name, entry)
        stats = json.loads((entry / "stats.json").read_text())
        return datasets.load_from_disk(str(entry / "rows")), {**stats, "cache": "hit", "cache_key": key}
    examples, stats = encode_file(path, encoder, workers)
    rows = pack_examples(examples, encoder.max_seq_len) if pack else unpacked_rows(examples)
    summary = {**asdict(stats), "rows": len(rows), "row_tokens": sum(len(r["input_ids"]) for r in rows)}
    summary["fill"] = round(summary["row_tokens"] / max(1, len(rows) * encoder.max_seq_len), 4)
    if not use_cache:
        empty: dict[str, list[int]] = {"input_ids": [], "labels": [], "seq_lengths": []}
        dataset = datasets.Dataset.from_list(rows) if rows else datasets.Dataset.from_dict(empty)
        return dataset, {**summary, "cache": "off", "cache_key": key}
    entry.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=entry.parent))
    try:
        dataset = datasets.Dataset.from_list(rows) if rows else datasets.Dataset.from_dict(
            {"input_ids": [], "labels": [], "seq_lengths": []}
        )
        dataset.save_to_disk(str(staging / "rows"))
        atomic_write_json(staging / "stats.json", summary)
        try:
            os.replace(staging, entry)
        except OSError:  # built concurrently by another run: the entries are identical
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log.info("tokenized %s: %d records -> %d rows (%d workers), cached at %s", path.name, stats.records, len(rows), workers, entry)
    return datasets.load_from_disk(str(entry / "rows")), {**summary, "cache": "built", "cache_key": key}


def encode_file(path: Path, encoder: Encoder, workers: int) -> tuple[list[Example], EncodeStats]:
    """Every example of a JSONL split, in record order; encoded in ``workers`` processes when worth it."""
    records = list(read_records(path))
    stats = EncodeStats()
    if workers <= 1 or len(records) < MIN_RECORDS_FOR_WORKERS:
        examples = [example for record in records for example in encoder.encode(record, stats)]
        return examples, stats
    chunks = [records[start:start + CHUNK_RECORDS] for start in range(0, len(records), CHUNK_RECORDS)]
    # spawn, not fork: the parent holds torch's thread pools, which do not survive a fork reliably
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(encoder.tokenizer, encoder.max_seq_len)) as pool:
        examples = []
        for chunk_examples, chunk_stats in pool.imap(_encode_chunk, chunks):
            examples += chunk_examples
            stats.add(chunk_stats)
    return examples, stats


_worker_encoder: Encoder | None = None


def _init_worker(tokenizer: Any, max_seq_len: int) -> None:
    global _worker_encoder
    _worker_encoder = Encoder(tokenizer, max_seq_len)


def _encode_chunk(records: list[dict[str, Any]]) -> tuple[list[Example], EncodeStats]:
    assert _worker_encoder is not None
    stats = EncodeStats()
    return [example for record in records for example in _worker_encoder.encode(record, stats)], stats
