"""The built-in ``hf`` generator: sampling in process with ``transformers``.

Engines (``generate.engine``): ``padded`` is ``model.generate`` over left-padded batches (the CPU path and the
benchmark's baseline); ``static`` decodes with a static KV cache and, on a GPU, compiled CUDA-graph steps
(:mod:`sigil_generate.generator.static`), batches bucketed by prompt length; ``continuous`` hands the jobs to
transformers' continuous batching (``generate_batch``, paged attention; worth it where flash-attn is installed).
``auto`` picks ``static`` on a GPU and ``padded`` on CPU, from the numbers in bench/RESULTS.md.

Determinism: jobs are cut into batches by a plan that depends only on the jobs (job order for ``padded``,
prompt length for ``static``), and every batch is sampled under its own seed, derived from ``settings.seed`` and
the batch's index, so the same jobs and settings give the same completions whether the run was interrupted or not.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
from collections.abc import Iterator
from typing import Any

from sigil import Completion, ConfigError, GenerationRequest, Job, SamplingSettings
from sigil_generate.generator.render import prompt_ids
from sigil_generate.generator.stops import PerRowStops, cut
from sigil_generate.model import GenerationModel, load_for_generation


def batch_seed(seed: int, batch_index: int) -> int:
    """The seed of one batch: independent of every other batch, stable across runs and resumes."""
    digest = hashlib.sha256(f"{seed}:{batch_index}".encode()).digest()
    return int.from_bytes(digest[:8], "little") & 0x7FFF_FFFF_FFFF_FFFF


def choose_engine(engine: str, device: str) -> str:
    """``generate.engine`` with ``auto`` decided: static-cache decoding on a GPU, padded ``generate`` on CPU."""
    if engine == "auto":
        return "static" if device.startswith("cuda") else "padded"
    return engine


def plan_batches(lengths: list[int], size: int, engine: str) -> list[list[int]]:
    """Job indices cut into batches. ``static`` sorts by prompt length first (stable), so a batch's prompts share
    a bucket and few shapes are compiled; the others keep job order (a prompt's samples stay neighbours)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i]) if engine == "static" else list(range(len(lengths)))
    return [order[start:start + size] for start in range(0, len(order), size)]


class HfGenerator:
    """Sample completions in process from any causal LM transformers loads."""

    def identity(self, options: Any) -> dict[str, Any]:
        return {"device": options.device, "dtype": options.dtype, "engine": options.engine}

    def generate(self, request: GenerationRequest) -> Iterator[Completion]:
        options = request.options
        devices = worker_devices(options.data_parallel, options.device)
        if len(devices) > 1:
            request.log.info("hf generator: %d data-parallel workers on %s", len(devices), ", ".join(devices))
            yield from data_parallel(request, devices)
            return
        loaded = load_for_generation(request.model, options.device, options.dtype)
        engine = choose_engine(options.engine, loaded.device)
        if engine == "continuous" and importlib.util.find_spec("flash_attn") is None:
            request.log.info("generate.engine continuous without flash-attn: paged attention falls back to sdpa")
        request.log.info("hf generator: engine %s on %s (%s)", engine, loaded.device, loaded.dtype)
        yield from run_jobs(loaded, request.jobs, request.settings, engine, request.done)


def run_jobs(
    loaded: GenerationModel,
    jobs: list[Job],
    settings: SamplingSettings,
    engine: str,
    done: frozenset[tuple[str, int]] = frozenset(),
    compile: bool | None = None,
    shard: tuple[int, int] = (0, 1),
) -> Iterator[Completion]:
    """Generate every job not in ``done`` with ``engine``; each batch's completions are yielded when it ends.

    :param compile: compile the static engine's steps (default: on a GPU).
    :param shard: ``(index, count)``: generate only the batches whose index is ``index`` modulo ``count`` (one
        data-parallel worker's share; the batch plan and seeds are the whole run's, so shards merge exactly).
    """
    import torch

    if engine not in ("padded", "static", "continuous"):
        raise ConfigError(f"generate.engine: unknown engine {engine!r}")
    tokenizer = loaded.tokenizer
    encoded = [prompt_ids(tokenizer, job.prompt, settings.chat_template) for job in jobs]
    decoder = None
    if engine == "static":
        from sigil_generate.generator.static import StaticDecoder

        on_gpu = loaded.device.startswith("cuda")
        decoder = StaticDecoder(loaded.model, settings.batch_size, on_gpu if compile is None else compile)
    for index, batch in enumerate(plan_batches([len(ids) for ids in encoded], settings.batch_size, engine)):
        if index % shard[1] != shard[0] or all(jobs[i].key in done for i in batch):
            continue
        stops = [tuple(dict.fromkeys(settings.stop + jobs[i].stop)) for i in batch]
        seed = batch_seed(settings.seed, index)
        torch.manual_seed(seed)
        if loaded.device.startswith("cuda"):
            torch.cuda.manual_seed_all(seed)
        rows = [encoded[i] for i in batch]
        # continuous batching runs its loop in a thread outside inference mode: its buffers must not be
        # inference tensors (seen on an H200: "Inplace update to inference tensor outside InferenceMode")
        with torch.no_grad() if engine == "continuous" else torch.inference_mode():
            if decoder is not None:
                new_tokens = _static(decoder, tokenizer, rows, stops, settings, seed)
            elif engine == "continuous":
                new_tokens = _continuous(loaded, rows, settings)
            else:
                new_tokens = _padded(loaded, rows, stops, settings)
        for i, tokens, row_stops in zip(batch, new_tokens, stops, strict=True):
            if jobs[i].key not in done:
                yield Completion(jobs[i], cut(tokenizer.decode(tokens, skip_special_tokens=True), row_stops), len(tokens))


def _padded(loaded: GenerationModel, rows: list[list[int]], stops: list[tuple[str, ...]], settings: SamplingSettings) -> list[list[int]]:
    """``model.generate`` over one left-padded batch; each row's new tokens up to its first EOS/pad."""
    import torch

    tokenizer, network = loaded.tokenizer, loaded.model
    width = max(len(ids) for ids in rows)
    input_ids = torch.full((len(rows), width), tokenizer.pad_token_id, dtype=torch.long)
    attention = torch.zeros((len(rows), width), dtype=torch.long)
    for row, ids in enumerate(rows):
        input_ids[row, width - len(ids):] = torch.tensor(ids, dtype=torch.long)
        attention[row, width - len(ids):] = 1
    output = network.generate(
        input_ids=input_ids.to(loaded.device),
        attention_mask=attention.to(loaded.device),
        max_new_tokens=settings.max_new_tokens,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        stopping_criteria=[PerRowStops(tokenizer, width, stops)] if any(stops) else None,
        **_sampling(settings),
    )
    return [_until_end(row, tokenizer.eos_token_id, tokenizer.pad_token_id) for row in output[:, width:].tolist()]


def _until_end(row: list[int], eos: int | None, pad: int | None) -> list[int]:
    """A row's new tokens: up to its first EOS; a row that ended otherwise (a stop string) is filled with pad
    tokens by ``generate``, which are dropped."""
    if eos is not None and eos in row:
        return row[: row.index(eos)]
    end = len(row)
    while end and row[end - 1] == pad:
        end -= 1
    return row[:end]


def _static(decoder: Any, tokenizer: Any, rows: list[list[int]], stops: list[tuple[str, ...]], settings: SamplingSettings, seed: int) -> list[list[int]]:
    window = max((len(stop) for row in stops for stop in row), default=0) + decoder.check_every + 2

    def finished(row: int, tokens: list[int]) -> bool:
        if not stops[row]:
            return False
        tail = tokenizer.decode(tokens[-window:], skip_special_tokens=True)
        return any(stop in tail for stop in stops[row])

    return decoder.decode(
        rows,
        settings.max_new_tokens,
        settings.temperature,
        settings.top_p,
        seed,
        tokenizer.pad_token_id,
        tokenizer.eos_token_id,
        finished if any(stops) else None,
    )


def _continuous(loaded: GenerationModel, rows: list[list[int]], settings: SamplingSettings) -> list[list[int]]:
    """transformers' continuous batching over one batch of prompts (at most ``batch_size`` in flight)."""
    from transformers import GenerationConfig

    tokenizer = loaded.tokenizer
    config = GenerationConfig(
        max_new_tokens=settings.max_new_tokens,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        **_sampling(settings),
    )
    extra: dict[str, Any] = {}
    if not loaded.device.startswith("cuda") and "warmup" in inspect.signature(loaded.model.generate_batch).parameters:
        extra["warmup"] = False  # its warm-up pre-captures CUDA graphs: nothing to capture on CPU
    outputs = loaded.model.generate_batch(inputs=rows, generation_config=config, progress_bar=False, **extra)
    # request ids are "req_<index>" in input order; sort by that index, not by the text
    ordered = sorted(outputs.values(), key=lambda out: int(str(out.request_id).rsplit("_", 1)[-1]))
    return [_until_end(list(out.generated_tokens), tokenizer.eos_token_id, tokenizer.pad_token_id) for out in ordered]


def _sampling(settings: SamplingSettings) -> dict[str, Any]:
    if settings.temperature > 0:
        # top_k=0 turns off transformers' default top-k of 50: only the configured top_p filters
        return {"do_sample": True, "temperature": settings.temperature, "top_p": settings.top_p, "top_k": 0}
    return {"do_sample": False}


# --- data parallel: one process per GPU, each generating every count-th batch of the whole run's plan


def worker_devices(data_parallel: int, device: str) -> list[str]:
    """The devices of ``generate.data_parallel`` workers: ``cuda:0..N-1`` on GPUs (0: every visible GPU), or N
    CPU processes; one worker means this process."""
    from sigil_generate.model import resolve_device

    resolved, _ = resolve_device(device, "auto")
    if not resolved.startswith("cuda"):
        return ["cpu"] * max(data_parallel, 1)
    import torch

    visible = torch.cuda.device_count()
    count = data_parallel or visible
    if count > visible:
        raise ConfigError(f"generate.data_parallel: {count} workers asked for, {visible} GPUs visible")
    return [f"cuda:{index}" for index in range(count)] if count > 1 else [resolved]


def data_parallel(request: GenerationRequest, devices: list[str]) -> Iterator[Completion]:
    """Run one worker process per device and yield their completions as they arrive (the caller records them,
    so there is one writer and nothing to merge: a sample's place is its (problem, sample) key)."""
    import multiprocessing
    import queue as queues

    options = request.options
    context = multiprocessing.get_context("spawn")  # CUDA cannot be used in a forked child
    results = context.Queue()
    by_key = {job.key: job for job in request.jobs}
    workers = [
        context.Process(
            target=_worker,
            args=(index, len(devices), device, request.model, options.dtype, options.engine, request.jobs,
                  request.settings, request.done, results),
            daemon=True,
        )
        for index, device in enumerate(devices)
    ]
    for worker in workers:
        worker.start()
    finished: set[int] = set()
    try:
        while len(finished) < len(workers):
            try:
                message = results.get(timeout=5.0)
            except queues.Empty:
                for index, worker in enumerate(workers):
                    if index not in finished and not worker.is_alive():
                        raise RuntimeError(f"generate worker {index} ({devices[index]}) died with exit code {worker.exitcode}") from None
                continue
            kind = message[0]
            if kind == "completion":
                _, problem, sample, text, tokens = message
                yield Completion(by_key[(problem, sample)], text, tokens)
            elif kind == "done":
                finished.add(message[1])
            else:
                raise RuntimeError(f"generate worker {message[1]} ({devices[message[1]]}) failed:\n{message[2]}")
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join(timeout=30)


def _worker(index: int, count: int, device: str, ref: Any, dtype: str, engine: str, jobs: list[Job],
            settings: SamplingSettings, done: frozenset[tuple[str, int]], results: Any) -> None:
    import os
    import traceback

    import torch

    try:
        if device == "cpu":
            torch.set_num_threads(max(1, (os.cpu_count() or 1) // count))
        loaded = load_for_generation(ref, device, dtype)
        chosen = choose_engine(engine, loaded.device)
        for completion in run_jobs(loaded, jobs, settings, chosen, done, shard=(index, count)):
            results.put(("completion", completion.job.problem, completion.job.sample, completion.text, completion.tokens))
        results.put(("done", index))
    except BaseException:
        results.put(("error", index, traceback.format_exc()))
