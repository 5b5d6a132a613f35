"""Generation throughput: sigil's `hf` generator (static-cache compiled decoding) vs padded `model.generate`.

One call runs every variant on the GPU machine: a random-init Llama-3.1-8B-shaped model in bf16 (no download), the
same 256 prompts of 60-200 tokens for every variant, sampling at temperature 0.8 / top-p 0.95 with no EOS and no
stop sequences, so every sequence gets exactly ``--max-new-tokens`` new tokens (checked). The tokenizer is a
word-level stand-in with the model's 128,256-entry vocabulary (no Llama tokenizer can be downloaded).

Variants: padded ``generate`` over batches of 64 (``generate.engine: padded``, the baseline), sigil's static engine
at 64 and 256 sequences in flight, and, time permitting, transformers' continuous batching (``generate_batch``)
at 256. Each variant is warmed up on exactly the shapes it is timed on: the static engine runs the whole workload
once (compiling), then again timed; its two runs must give identical completions (same seeds). Reported per
variant: tokens/s, seconds, warm-up (compile) seconds, peak memory, and the distance to the decode bound
(sequences in flight × measured copy bandwidth / weight bytes: one read of the weights per step).
Writes ``results.jsonl`` and ``samples.jsonl`` (the static engine's completions at 64) under $OUT.

    python3 bench/generate/bench_generate.py           # GPU, 8B shape
    python3 bench/generate/bench_generate.py --tiny    # CPU smoke run of this script (no compile)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "bench" / "train"), str(ROOT / "plugins" / "sigil-generate"), str(ROOT)]

from model_shapes import llama_config  # noqa: E402
from sigil_generate.generator.hf import run_jobs  # noqa: E402
from sigil_generate.model import GenerationModel  # noqa: E402

from sigil.generation import Job, ModelRef, SamplingSettings  # noqa: E402


def word_tokenizer(vocab_size: int) -> Any:
    """A word-level tokenizer with exactly the model's vocabulary size and no EOS (fixed-length generation)."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {"<pad>": 0, "<s>": 1, "<unk>": 2}
    vocab.update({f"t{i}": i for i in range(3, vocab_size)})
    core = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return PreTrainedTokenizerFast(tokenizer_object=core, pad_token="<pad>", bos_token="<s>", unk_token="<unk>",
                                   padding_side="left")


def make_jobs(count: int, vocab: int, low: int, high: int) -> list[Job]:
    """``count`` prompts of ``low``..``high`` words (random tokens, seeded: the same prompts every run)."""
    rng = random.Random(0)
    return [Job(f"p{i:03d}", " ".join(f"t{rng.randrange(3, vocab)}" for _ in range(rng.randint(low, high))), 0)
            for i in range(count)]


def sync() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def timed(model: GenerationModel, jobs: list[Job], settings: SamplingSettings, engine: str, compile: bool) -> tuple[float, dict[str, Any]]:
    sync()
    start = time.perf_counter()
    completions = {c.job.key: c for c in run_jobs(model, jobs, settings, engine, compile=compile)}
    sync()
    return time.perf_counter() - start, completions


def copy_bandwidth() -> float:
    """Device-to-device copy bandwidth in bytes/s, counting bytes read plus written (the decode bound's rate)."""
    if not torch.cuda.is_available():
        return 0.0
    source = torch.randn(2**30, device="cuda", dtype=torch.float32)  # 4 GiB
    target = torch.empty_like(source)
    for _ in range(3):
        target.copy_(source)
    sync()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(10):
        target.copy_(source)
    end.record()
    sync()
    seconds = start.elapsed_time(end) / 1000 / 10
    del source, target
    torch.cuda.empty_cache()
    return 2 * 4 * 2**30 / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--prompts", type=int, default=256)
    parser.add_argument("--max-new-tokens", type=int, default=256)
    parser.add_argument("--budget-s", type=float, default=480.0, help="skip the optional variants past this time")
    parser.add_argument("--continuous", action="store_true", help="also time transformers' generate_batch at 256")
    args = parser.parse_args()
    began = time.perf_counter()
    out = Path(os.environ.get("OUT") or ROOT / "bench-out")
    out.mkdir(parents=True, exist_ok=True)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    compile = device == "cuda"

    # --- model: random init directly on the device, no EOS anywhere (every sequence runs to max_new_tokens)
    config = llama_config(args.tiny)
    config.eos_token_id = None
    torch.manual_seed(0)
    from transformers import LlamaForCausalLM

    with torch.device(device):
        torch.set_default_dtype(torch.bfloat16)
        network = LlamaForCausalLM(config).eval()
        torch.set_default_dtype(torch.float32)
    network.generation_config.eos_token_id = None
    dtype = "bfloat16"
    model = GenerationModel(network, word_tokenizer(config.vocab_size), ModelRef(base="random-init"), device, dtype)
    weight_bytes = sum(p.numel() * p.element_size() for p in network.parameters())
    bandwidth = copy_bandwidth()
    low, high = (60, 200) if not args.tiny else (6, 20)
    jobs = make_jobs(args.prompts, config.vocab_size, low, high)
    env = {"device": torch.cuda.get_device_name(0) if device == "cuda" else "cpu", "torch": torch.__version__,
           "transformers": __import__("transformers").__version__, "prompts": len(jobs),
           "max_new_tokens": args.max_new_tokens, "weight_gb": round(weight_bytes / 1e9, 2),
           "copy_tb_s": round(bandwidth / 1e12, 2), "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    print(json.dumps(env), flush=True)

    def settings(batch_size: int, temperature: float = 0.8) -> SamplingSettings:
        return SamplingSettings(temperature=temperature, top_p=0.95, max_new_tokens=args.max_new_tokens,
                                batch_size=batch_size, seed=0, stop=(), chat_template=False)

    results: list[dict[str, Any]] = []
    samples: dict[str, Any] = {}

    def record(variant: str, engine: str, size: int, warm_s: float, seconds: float, completions: dict[str, Any], note: str = "") -> None:
        tokens = sum(c.tokens for c in completions.values())
        short = sum(1 for c in completions.values() if c.tokens != args.max_new_tokens)
        rate = tokens / seconds
        bound = size * bandwidth / weight_bytes if bandwidth else None
        row = {"variant": variant, "engine": engine, "in_flight": size, "sequences": len(completions),
               "new_tokens": tokens, "short_sequences": short, "seconds": round(seconds, 2),
               "warmup_s": round(warm_s, 2), "tokens_per_s": round(rate, 1),
               "ms_per_step": round(1000 * seconds / (args.max_new_tokens * -(-len(jobs) // size)), 2),
               "peak_gib": round(torch.cuda.max_memory_allocated() / 2**30, 1) if device == "cuda" else None,
               "decode_bound_tokens_per_s": round(bound, 0) if bound else None,
               "of_bound": round(rate / bound, 3) if bound else None, "note": note}
        results.append(row)
        print(json.dumps(row), flush=True)

    def reset_peak() -> None:
        if device == "cuda":
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()

    # --- baseline: padded generate, 64 a batch; warm-up on one batch of the timed shape
    reset_peak()
    warm, _ = timed(model, jobs[:64], settings(64), "padded", False)
    seconds, completions = timed(model, jobs, settings(64), "padded", False)
    record("padded-generate-64", "padded", 64, warm, seconds, completions)

    # --- sigil's static engine at 64 and 256 in flight: a whole warm-up run (compiles), then two timed runs
    # (their spread is reported; both must give the same completions), then one greedy run (no top-p sort: the
    # difference is what sampling costs)
    for size in (64, 256):
        try:
            reset_peak()
            warm, first = timed(model, jobs, settings(size), "static", compile)
            seconds, completions = timed(model, jobs, settings(size), "static", compile)
            again, repeat = timed(model, jobs, settings(size), "static", compile)
            greedy_s, greedy = timed(model, jobs, settings(size, temperature=0.0), "static", compile)
        except Exception:  # report, keep the other numbers
            traceback.print_exc()
            continue
        differ = sum(1 for k in completions if repeat[k].text != completions[k].text)
        warm_differ = sum(1 for k in completions if first[k].text != completions[k].text)
        record(f"sigil-static-{size}", "static", size, warm, min(seconds, again), completions,
               note=f"timed runs {seconds:.2f}/{again:.2f} s; {differ} of {len(jobs)} differ between them, "
                    f"{warm_differ} from the warm-up run")
        record(f"sigil-static-{size}-greedy", "static", size, 0.0, greedy_s, greedy, note="temperature 0")
        samples = samples or completions
    from torch._dynamo.utils import counters

    print(json.dumps({"attention": network.config._attn_implementation, "graph_breaks": dict(counters["graph_break"]),
                      "inductor": dict(counters["inductor"])}, default=str)[:3000], flush=True)

    # --- optional: transformers' continuous batching at 256 in flight (paged|sdpa here: no flash-attn)
    if args.continuous and time.perf_counter() - began < args.budget_s:
        try:
            reset_peak()
            warm, _ = timed(model, jobs[:64], settings(256), "continuous", False)
            seconds, completions = timed(model, jobs, settings(256), "continuous", False)
            record("continuous-generate_batch-256", "continuous", 256, warm, seconds, completions)
        except Exception as exc:  # report, keep the other numbers
            print(json.dumps({"variant": "continuous-generate_batch-256", "error": f"{type(exc).__name__}: {exc}"[:500]}), flush=True)

    base = results[0]["tokens_per_s"]
    for row in results:
        row["x_padded_64"] = round(row["tokens_per_s"] / base, 2)
    (out / "results.jsonl").write_text("".join(json.dumps({**env, **row}) + "\n" for row in results))
    with (out / "samples.jsonl").open("w") as handle:
        for job in jobs if samples else []:
            completion = samples[job.key]
            handle.write(json.dumps({"id": f"{job.problem}/{job.sample}", "prompt": job.prompt, "problem": job.problem,
                                     "sample": job.sample, "completion": completion.text, "tokens": completion.tokens}) + "\n")
    print("| variant | in flight | new tokens | s | warm-up s | tokens/s | x padded 64 | ms/step | peak GiB | of decode bound | note |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in results:
        print(f"| {row['variant']} | {row['in_flight']} | {row['new_tokens']} | {row['seconds']} | {row['warmup_s']} | "
              f"{row['tokens_per_s']:,.0f} | {row['x_padded_64']} | {row['ms_per_step']} | {row['peak_gib']} | "
              f"{row['of_bound']} | {row['note']} |")
    print(f"total {time.perf_counter() - began:.0f} s", flush=True)


if __name__ == "__main__":
    main()
