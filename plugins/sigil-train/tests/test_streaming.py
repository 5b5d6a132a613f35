"""Streaming mode (``train.streaming: true``): lazy, bounded, the cached path's rows, deterministic, sharded."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import write_pipeline
from corpus import records, write_jsonl
from sigil_train.data.cache import load_or_build
from sigil_train.data.collator import PackedCollator
from sigil_train.data.encode import IGNORE, Encoder
from sigil_train.data.stream import StreamSpec, stream_rows, streaming_dataset

import sigil
from sigil.cli import main
from sigil.errors import DataError
from sigil.plugins import register_plugin, unregister_plugin
from sigil.tiny import build_tiny_model, parse_spec

pytestmark = [pytest.mark.torch]

MAX_SEQ_LEN = 256


class Log:
    def info(self, *args, **kwargs) -> None:
        pass


@pytest.fixture(scope="module")
def encoder(tmp_path_factory) -> Encoder:
    from transformers import AutoTokenizer

    texts = [r["content"] for r in records(60)]
    path = build_tiny_model(parse_spec("sigil-tiny:llama,layers=1,hidden=32,heads=2,kv_heads=1"), texts,
                            tmp_path_factory.mktemp("tiny"))
    return Encoder(AutoTokenizer.from_pretrained(path), MAX_SEQ_LEN)


@pytest.fixture(scope="module")
def split(tmp_path_factory) -> Path:
    """Code and instruct records, some long enough to be chunked."""
    return write_jsonl(tmp_path_factory.mktemp("data") / "train.jsonl", records(150, long_every=9))


def cached_rows(path: Path, encoder: Encoder, tmp_path: Path) -> list[dict]:
    rows, _ = load_or_build(path, encoder, True, tmp_path / "cache", 1, Log())
    return list(rows)


def row_key(row: dict) -> tuple:
    return tuple(row["input_ids"]), tuple(row["labels"]), tuple(row["seq_lengths"])


def examples_of(rows: list[dict]) -> Counter:
    """The (input_ids, labels) of every packed example, as the collator gives them to the model."""
    out: Counter = Counter()
    for row in rows:
        batch = PackedCollator(pad_token_id=0)([row])
        ids, labels, positions = (batch[k][0].tolist() for k in ("input_ids", "labels", "position_ids"))
        start = 0
        for length in row["seq_lengths"]:
            assert positions[start:start + length] == list(range(length))  # positions restart per example
            out[(tuple(ids[start:start + length]), tuple(labels[start:start + length]))] += 1
            start += length
    return out


def test_one_window_streams_exactly_the_cached_rows(split, encoder, tmp_path):
    # a window holding the whole file and one shard: the same encoder and packer give the same rows
    spec = StreamSpec(str(split), encoder, pack=True, num_shards=1, seed=7, shuffle=True,
                      pack_window_rows=100_000, cycles=1)
    streamed = list(stream_rows([0], spec))
    cached = cached_rows(split, encoder, tmp_path)
    assert Counter(map(row_key, streamed)) == Counter(map(row_key, cached))
    assert [row_key(r) for r in streamed] != [row_key(r) for r in cached]  # shuffled
    assert any(IGNORE in row["labels"] for row in streamed)  # prompts of instruct records carry no loss
    assert any(len(row["seq_lengths"]) > 1 for row in streamed)


def test_small_windows_pack_the_same_examples_once_each(split, encoder, tmp_path):
    spec = StreamSpec(str(split), encoder, pack=True, num_shards=4, seed=7, shuffle=True,
                      pack_window_rows=3, shuffle_buffer_rows=5, cycles=1)
    streamed = list(stream_rows([0, 1, 2, 3], spec))
    assert all(len(row["input_ids"]) == sum(row["seq_lengths"]) <= MAX_SEQ_LEN for row in streamed)
    assert examples_of(streamed) == examples_of(cached_rows(split, encoder, tmp_path))
    unpacked = StreamSpec(str(split), encoder, pack=False, num_shards=4, seed=7, shuffle=False, cycles=1)
    assert all(len(row["seq_lengths"]) == 1 for row in stream_rows([0, 1, 2, 3], unpacked))


class CountingFile(io.FileIO):
    """A file that adds every byte it hands out to a shared counter."""

    read_so_far = 0

    def readinto(self, buffer) -> int:
        count = super().readinto(buffer)
        CountingFile.read_so_far += count or 0
        return count


def test_the_file_is_read_lazily(encoder, tmp_path):
    big = write_jsonl(tmp_path / "big.jsonl", records(2500, long_every=9))
    size = big.stat().st_size
    assert size > 3_000_000
    CountingFile.read_so_far = 0
    # the default pack window and shuffle buffer: the first row needs them filled, and no more
    spec = StreamSpec(str(big), encoder, pack=True, num_shards=1, seed=7, shuffle=True)
    stream = stream_rows([0], spec, opener=lambda path: io.BufferedReader(CountingFile(path)))
    first = next(stream)
    assert 0 < CountingFile.read_so_far < size / 4
    assert len(first["input_ids"]) <= MAX_SEQ_LEN
    stream.close()


def test_the_stream_is_deterministic_for_a_seed_and_reshuffles_each_cycle(split, encoder):
    def rows(seed: int, cycles: int) -> list[dict]:
        spec = StreamSpec(str(split), encoder, pack=True, num_shards=3, seed=seed, shuffle=True,
                          pack_window_rows=4, shuffle_buffer_rows=16, cycles=cycles)
        return list(stream_rows([0, 1, 2], spec))

    first, again, other = rows(7, 2), rows(7, 2), rows(8, 2)
    assert list(map(row_key, first)) == list(map(row_key, again))
    assert list(map(row_key, first)) != list(map(row_key, other))
    # the second pass over the file trains on the same examples, in another order
    one = len(rows(7, 1))
    assert examples_of(first[:one]) == examples_of(first[one:])
    assert list(map(row_key, first[:one])) != list(map(row_key, first[one:]))


def test_ranks_and_workers_each_read_their_own_rows(split, encoder, tmp_path):
    # what accelerate does on each of 2 ranks (dispatch_batches off, as TRL forces for iterable datasets),
    # then 2 DataLoader worker processes per rank
    from accelerate.data_loader import prepare_data_loader
    from torch.utils.data import DataLoader

    dataset, summary = streaming_dataset(split, encoder, pack=True, seed=7, shuffle=True, num_shards=8, cycles=1)
    assert summary["streaming"] and summary["shards"] == 8
    seen: list[dict] = []
    for rank in range(2):
        loader = DataLoader(dataset, batch_size=2, num_workers=2, collate_fn=list)
        prepared = prepare_data_loader(loader, num_processes=2, process_index=rank, put_on_device=False,
                                       dispatch_batches=False)
        seen += [row for batch in prepared for row in batch]
    assert examples_of(seen) == examples_of(cached_rows(split, encoder, tmp_path))


def test_bad_lines_and_empty_files_are_clear_errors(encoder, tmp_path):
    bad = tmp_path / "bad.jsonl"
    good = json.dumps({"content": "fn a() {}", "task": "code"}) + "\n"
    bad.write_text(good + '{"content": 3}\n')
    spec = StreamSpec(str(bad), encoder, pack=True, num_shards=1, seed=7, shuffle=False)
    with pytest.raises(DataError, match=rf"bad.jsonl \(line at byte {len(good)}\): field 'content' must be a string"):
        list(stream_rows([0], spec))
    empty = tmp_path / "empty.jsonl"
    empty.write_text(json.dumps({"content": "   ", "task": "code"}) + "\n")
    spec = StreamSpec(str(empty), encoder, pack=True, num_shards=1, seed=7, shuffle=False)
    with pytest.raises(DataError, match="empty.jsonl: no training examples"):
        next(stream_rows([0], spec))  # an endless stream of nothing would hang instead


class InterruptAtStep3:
    fired = False

    @sigil.hookimpl
    def on_metrics(self, run_dir, stage, step, metrics):
        if stage == "sft" and step == 3 and "loss" in metrics and not InterruptAtStep3.fired:
            InterruptAtStep3.fired = True
            raise KeyboardInterrupt


@pytest.mark.slow
def test_sigil_run_streams_writes_no_cache_and_resumes_on_the_same_rows(tmp_path, monkeypatch):
    cache = tmp_path / "fresh-cache"
    monkeypatch.setenv("SIGIL_CACHE_DIR", str(cache))
    # 4 rows at max_seq_len 128, and 4 steps of 2 rows: the stream cycles over the file
    train = write_jsonl(tmp_path / "in" / "train.jsonl", records(6))
    validation = write_jsonl(tmp_path / "in" / "validation.jsonl", records(4, seed=1))
    settings = {"train": {"streaming": True, "max_steps": 4, "save_every": 2, "eval_every": 2, "adapter": "full"}}
    straight = write_pipeline(tmp_path / "a" / "p.yml", train, validation, **settings)
    assert main(["run", str(straight)]) == 0
    run_a = tmp_path / "a" / "run"
    args = json.loads((run_a / "stages" / "sft" / "trainer_args.json").read_text())
    assert args["sigil"]["data"]["train"]["streaming"] is True
    assert args["sigil"]["data"]["train"]["cache"] == args["sigil"]["data"]["validation"]["cache"] == "off"
    assert not (cache / "tokenized").exists()
    logged = [json.loads(line) for line in (run_a / "metrics.jsonl").read_text().splitlines()]
    assert [m["step"] for m in logged if "loss" in m] == [1, 2, 3, 4]
    assert any("eval_loss" in m for m in logged)

    resumed = write_pipeline(tmp_path / "b" / "p.yml", train, validation, **settings)
    name = register_plugin(InterruptAtStep3(), name="interrupt-at-3")
    try:
        assert main(["run", str(resumed)]) == 130
    finally:
        unregister_plugin(name)
    assert main(["run", str(resumed)]) == 0
    run_b = tmp_path / "b" / "run"
    stage = json.loads((run_b / "stages" / "sft" / "stage.json").read_text())
    assert stage["metrics"]["resumed_from_step"] == 2

    def losses(run: Path) -> dict[int, float]:
        lines = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
        return {m["step"]: m["loss"] for m in lines if m["stage"] == "sft" and "loss" in m}

    # the resumed run replays the stream to step 2 and trains on the same rows as the straight one
    assert losses(run_b) == pytest.approx(losses(run_a), rel=1e-5)
