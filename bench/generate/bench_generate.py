"""Generation throughput: sigil's batched `hf` generator vs plain one-prompt-at-a-time `model.generate`.

Run on the GPU machine (one call runs every variant): a random-init Llama-3.1-8B-shaped model in bf16 (no
download), the built-in suite's prompts, sampling at temperature 0.8 with no stop sequences so that every
variant generates the same number of tokens. The tokenizer is a word-level stand-in with the model's
128,256-entry vocabulary (no Llama tokenizer can be downloaded), so prompts are shorter than with Llama's BPE.
Writes ``results.jsonl`` and the batched variant's ``samples.jsonl`` (sigil's sample format) under $OUT; the
samples are compiled back on the development machine with ``sigil eval`` (a random model writes no Rust, so
this checks the plumbing, not quality).

    python3 bench/generate/bench_generate.py             # GPU, 8B shape
    python3 bench/generate/bench_generate.py --tiny      # CPU smoke run of this script
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "bench" / "train"), str(ROOT / "plugins" / "sigil-generate"), str(ROOT)]

from model_shapes import llama_config  # noqa: E402
from sigil_generate.generator.hf import HfGenerator  # noqa: E402
from sigil_generate.model import GenerationModel  # noqa: E402

from sigil.functional.problems import load_suite  # noqa: E402
from sigil.generation import Job, SamplingSettings  # noqa: E402

SUITE = ROOT / "sigil" / "functional" / "suites" / "sigil_basic.jsonl"


def word_tokenizer(vocab_size: int) -> Any:
    """A word-level tokenizer with exactly the model's vocabulary size (ids beyond the words decode as tN)."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3}
    vocab.update({f"t{i}": i for i in range(4, vocab_size)})
    core = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return PreTrainedTokenizerFast(tokenizer_object=core, pad_token="<pad>", bos_token="<s>", eos_token="</s>",
                                   unk_token="<unk>", padding_side="left")


def count_tokens(model: GenerationModel, completions: list[str]) -> int:
    """Generated tokens, counted the same way for every variant: the decoded completions re-tokenized."""
    return sum(len(model.tokenizer(text, add_special_tokens=False).input_ids) for text in completions)


def plain_generate(model: GenerationModel, jobs: list[Job], settings: SamplingSettings) -> dict[str, Any]:
    """The baseline: one prompt per `generate` call, as a script without batching does it."""
    completions, start = [], time.perf_counter()
    for job in jobs:
        ids = model.tokenizer(job.prompt, return_tensors="pt").input_ids.to(model.device)
        with torch.inference_mode():
            out = model.model.generate(ids, max_new_tokens=settings.max_new_tokens, do_sample=True,
                                       temperature=settings.temperature, top_p=settings.top_p, top_k=0,
                                       pad_token_id=model.tokenizer.pad_token_id)
        completions.append(model.tokenizer.decode(out[0, ids.shape[1]:], skip_special_tokens=True))
    sync()
    seconds = time.perf_counter() - start
    return {"sequences": len(jobs), "new_tokens": count_tokens(model, completions), "seconds": seconds}


def sigil_generate(model: GenerationModel, jobs: list[Job], settings: SamplingSettings) -> tuple[dict[str, Any], list[str]]:
    start, completions = time.perf_counter(), []
    for batch in HfGenerator().generate(model, jobs, settings):
        completions.extend(batch)
    sync()
    seconds = time.perf_counter() - start
    return {"sequences": len(jobs), "new_tokens": count_tokens(model, completions), "seconds": seconds}, completions


def sync() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--max-new-tokens", type=int, default=256)
    parser.add_argument("--samples", type=int, default=4, help="samples per prompt for the batched variants")
    parser.add_argument("--baseline-sequences", type=int, default=8, help="the slow baseline runs on this many")
    args = parser.parse_args()
    out = Path(os.environ.get("OUT") or ROOT / "bench-out")
    out.mkdir(parents=True, exist_ok=True)
    device = "cuda" if torch.cuda.is_available() else "cpu"

    config = llama_config(args.tiny)
    torch.manual_seed(0)
    from transformers import LlamaForCausalLM

    with torch.device(device):
        torch.set_default_dtype(torch.bfloat16)
        network = LlamaForCausalLM(config).eval()
        torch.set_default_dtype(torch.float32)
    model = GenerationModel(network, word_tokenizer(config.vocab_size), "random-init", None, device, "bfloat16")
    suite = load_suite(SUITE)
    jobs = [Job(p.name, p.prompt, k) for p in suite.problems for k in range(args.samples)]
    env = {"device": torch.cuda.get_device_name(0) if device == "cuda" else "cpu", "torch": torch.__version__,
           "transformers": __import__("transformers").__version__, "jobs": len(jobs),
           "max_new_tokens": args.max_new_tokens, "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    print(json.dumps(env), flush=True)

    def settings(batch_size: int) -> SamplingSettings:
        return SamplingSettings(temperature=0.8, top_p=0.95, max_new_tokens=args.max_new_tokens,
                                batch_size=batch_size, seed=0, stop=(), chat_template=False)

    # warm-up of every shape that is timed below: kernels, allocator
    plain_generate(model, jobs[:2], SamplingSettings(0.8, 0.95, 4, 1, 0, (), False))
    batch_sizes = (16, 64, len(jobs))
    for batch_size in batch_sizes:
        sigil_generate(model, jobs[:batch_size], SamplingSettings(0.8, 0.95, 4, batch_size, 0, (), False))
    results = []
    base = plain_generate(model, jobs[: args.baseline_sequences], settings(1))
    results.append({"variant": "plain-generate-one-at-a-time", **base})
    samples = []
    for batch_size in batch_sizes:
        measured, completions = sigil_generate(model, jobs, settings(batch_size))
        results.append({"variant": f"sigil-hf-batched-{batch_size}", "batch_size": batch_size, **measured})
        samples = completions
    for row in results:
        row["tokens_per_s"] = round(row["new_tokens"] / row["seconds"], 1)
        row["x_baseline"] = round(row["tokens_per_s"] / results[0]["tokens_per_s"], 2)
        row["peak_gib"] = round(torch.cuda.max_memory_allocated() / 2**30, 1) if device == "cuda" else None
        print(json.dumps(row), flush=True)
    (out / "results.jsonl").write_text("".join(json.dumps({**env, **row}) + "\n" for row in results))
    with (out / "samples.jsonl").open("w") as handle:
        for job, completion in zip(jobs, samples, strict=True):
            record = {"id": f"{job.problem}/{job.sample}", "prompt": job.prompt, "gen": job.prompt + completion,
                      "problem": job.problem, "sample": job.sample, "completion": completion}
            handle.write(json.dumps(record) + "\n")
    print("| variant | sequences | new tokens | s | tokens/s | x baseline |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in results:
        print(f"| {row['variant']} | {row['sequences']} | {row['new_tokens']} | {row['seconds']:.2f} | "
              f"{row['tokens_per_s']:,.0f} | {row['x_baseline']} |")


if __name__ == "__main__":
    main()
