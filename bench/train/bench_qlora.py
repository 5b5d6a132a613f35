"""QLoRA/LoRA training speed: the plain-HF baseline and sigil's variants, in one process, on one GPU.

    python bench/train/bench_qlora.py --set R         # the re-measurement: baseline, best QLoRA and bf16 LoRA,
                                                      # each torch.compile variant twice; 5 warm-up + 40 timed steps
    python bench/train/bench_qlora.py                 # set A (levers one by one), results under $OUT (or bench-out/)
    python bench/train/bench_qlora.py --report results.jsonl   # the table again, from a results file
    python bench/train/bench_qlora.py --parity 120    # loss parity: sigil's bf16 path vs PEFT's fp32 upcast
    python bench/train/bench_qlora.py --tiny          # CPU smoke run of the script itself (tiny model)

Model: Llama-3.1-8B's shape, random init (no download), saved once to .bench-cache/ and loaded back through
``from_pretrained`` (with ``BitsAndBytesConfig`` for QLoRA), as a user's run would. Sequence length 2048.
Useful tokens are real (non-padding) input tokens; MFU counts 4N FLOPs per token on the H100's 989 TFLOP/s.
Every variant appends one JSON line to results.jsonl as soon as it finishes, so a cut-off run keeps its numbers.

Timing: the first ``--warmup`` optimizer steps are untimed (allocator warm-up, autotuning, compilation); each timed
step lasts from the end of the step before it to its own end (device synchronised). Tokens are those of the batches
the timed steps consumed, nothing else (the data loader collates a batch ahead: counting the collator's running
total at step ends would be off by one batch). Throughput is reported per window of ``--window`` timed steps:
median and range over the windows, plus the whole timed span.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "plugins" / "sigil-train"))
sys.path.insert(0, str(Path(__file__).parent))

import torch  # noqa: E402
from model_shapes import llama_config, mfu, parameter_count  # noqa: E402
from sigil_train.data.collator import PackedCollator  # noqa: E402
from sigil_train.data.pack import pack_examples  # noqa: E402
from synthetic_data import chunked_examples, random_documents, rust_corpus, truncated_examples  # noqa: E402
from transformers import TrainerCallback  # noqa: E402

SEQ = 2048
#: Steps left out of the timing (allocator warm-up, kernel autotuning, flex/compile compilation): steps 1-5.
WARMUP_STEPS = 5
#: Timed steps per throughput window.
WINDOW_STEPS = 5
PROJECTIONS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


# ----------------------------------------------------------------------------------------------------------------
# measuring
# ----------------------------------------------------------------------------------------------------------------


class CountingCollator:
    """Wraps a collator and records, per batch in the order built, its real (non-padding) input tokens and width.

    With one micro-batch per optimizer step, step k consumes the k-th batch built (the loader's look-ahead only
    builds later batches earlier), so per-step tokens are ``batches[k]``, whatever was prefetched.
    """

    def __init__(self, inner: Any, count: Any) -> None:
        self.inner, self.count = inner, count
        self.batches: list[tuple[int, int]] = []

    def __call__(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        batch = self.inner(rows)
        self.batches.append((int(self.count(rows)), int(batch["input_ids"].shape[1])))
        return batch


class StepTimer(TrainerCallback):
    """Wall time at the end of every optimizer step (device synchronised)."""

    def __init__(self) -> None:
        self.ends: list[float] = []

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        self.ends.append(time.perf_counter())


def gpu_reset() -> None:
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


#: Bytes of models held on the GPU but not trained by the running variant (set R keeps both bases loaded).
IDLE_BYTES = 0


def peak_gib() -> float:
    """Peak allocated memory of this variant, less the idle models' bytes."""
    return (torch.cuda.max_memory_allocated() - IDLE_BYTES) / 2**30 if torch.cuda.is_available() else 0.0


def allocated() -> int:
    return torch.cuda.memory_allocated() if torch.cuda.is_available() else 0


# ----------------------------------------------------------------------------------------------------------------
# model
# ----------------------------------------------------------------------------------------------------------------


def saved_model(tiny: bool) -> Path:
    """Random-init Llama (8B shape) saved once in bf16; later calls on a warm machine reuse it."""
    from transformers import LlamaForCausalLM

    path = ROOT / ".bench-cache" / ("tiny" if tiny else "llama-3.1-8b-shape")
    if (path / "config.json").exists():
        return path
    config = llama_config(tiny)
    clock = time.time()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.manual_seed(0)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.bfloat16)
    with torch.device(device):
        model = LlamaForCausalLM(config)
    torch.set_default_dtype(previous)
    model.save_pretrained(path)
    del model
    gpu_reset()
    print(f"built and saved {path} in {time.time() - clock:.0f}s", flush=True)
    return path


def placeholder_tokenizer() -> Any:
    """SFTTrainer wants a processing class (it reads the pad token); the data is already token ids."""
    from tokenizers import Tokenizer, models
    from transformers import PreTrainedTokenizerFast

    vocab = {"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3}
    return PreTrainedTokenizerFast(tokenizer_object=Tokenizer(models.WordLevel(vocab, unk_token="<unk>")),
                                   pad_token="<pad>", bos_token="<s>", eos_token="</s>", unk_token="<unk>")


def load(path: Path, quantized: bool, attn: str = "sdpa") -> Any:
    from transformers import AutoModelForCausalLM, BitsAndBytesConfig

    kwargs: dict[str, Any] = {"dtype": torch.bfloat16, "attn_implementation": attn}
    if torch.cuda.is_available():
        kwargs["device_map"] = {"": 0}
    if quantized:
        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=torch.bfloat16,
        )
    clock = time.time()
    model = AutoModelForCausalLM.from_pretrained(path, **kwargs)
    model.config.use_cache = False
    print(f"loaded {'4-bit' if quantized else 'bf16'} model in {time.time() - clock:.0f}s", flush=True)
    return model


def lora(model: Any, seed: int = 0, dropout: float = 0.05) -> Any:
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(seed)
    config = LoraConfig(r=16, lora_alpha=32, lora_dropout=dropout, target_modules=PROJECTIONS, task_type="CAUSAL_LM")
    return get_peft_model(model, config)


def set_checkpointing(model: Any, mode: str, fraction: float = 0.5) -> None:
    """none / full / selective (the first ``fraction`` of the decoder layers recompute, the rest keep activations)."""
    if mode == "none":
        model.gradient_checkpointing_disable()
        return
    model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    if mode == "selective":
        layers = model.model.layers
        for layer in layers[int(len(layers) * fraction):]:
            layer.gradient_checkpointing = False


def recast_bf16(model: Any) -> None:
    """Undo prepare_model_for_kbit_training's fp32 upcast of the non-quantised weights."""
    for parameter in model.parameters():
        if parameter.dtype == torch.float32 and parameter.__class__.__name__ != "Params4bit":
            parameter.data = parameter.data.to(torch.bfloat16)


# ----------------------------------------------------------------------------------------------------------------
# one variant
# ----------------------------------------------------------------------------------------------------------------


def run_sigil(base: Any, name: str, rows: list[dict], mb: int, ckpt: str, steps: int, liger: bool = False,
              compile_model: bool = False, attn: str = "sdpa", dropout: float = 0.05,
              fraction: float = 0.5) -> dict[str, Any]:
    """sigil's path: contamination-free packed rows, TRL SFTTrainer (fused LM head), bf16 non-quantised weights."""
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    gpu_reset()
    if compile_model:  # each compile run starts from dynamo's empty caches (inductor's on-disk ones stay warm)
        torch._dynamo.reset()
    base.set_attn_implementation(attn)
    set_checkpointing(base, ckpt, fraction)
    model = lora(base, dropout=dropout)
    collator = CountingCollator(PackedCollator(pad_token_id=0, layout="rows"),
                                lambda batch: sum(sum(r["seq_lengths"]) for r in batch))
    timer = StepTimer()
    with tempfile.TemporaryDirectory() as tmp:
        args = SFTConfig(
            output_dir=tmp, max_steps=steps, per_device_train_batch_size=mb, gradient_accumulation_steps=1,
            learning_rate=1e-4, bf16=torch.cuda.is_available(), gradient_checkpointing=ckpt != "none",
            gradient_checkpointing_kwargs={"use_reentrant": False}, logging_steps=10_000, save_strategy="no",
            report_to="none", dataset_kwargs={"skip_prepare_dataset": True}, dataloader_num_workers=0,
            packing=False, padding_free=False, use_liger_kernel=liger, torch_compile=compile_model,
            disable_tqdm=True, use_cpu=not torch.cuda.is_available(), max_length=SEQ,
        )
        trainer = SFTTrainer(model=model, args=args, data_collator=collator, train_dataset=Dataset.from_list(rows),
                             processing_class=placeholder_tokenizer(), callbacks=[timer])
        if ckpt == "selective":
            set_checkpointing(model.get_base_model(), "selective", fraction)
        trainer.train()
    result = summarise(name, timer, collator, mb)
    del trainer
    model.unload()
    return result


def run_baseline(base: Any, name: str, examples: list[dict], mb: int, steps: int) -> dict[str, Any]:
    """Plain HF: prepare_model_for_kbit_training (fp32 upcast), padded batches, HF Trainer, full logits."""
    from datasets import Dataset
    from peft import prepare_model_for_kbit_training
    from transformers import Trainer, TrainingArguments

    gpu_reset()
    base.set_attn_implementation("sdpa")
    base = prepare_model_for_kbit_training(base, use_gradient_checkpointing=True)
    model = lora(base)

    def pad(batch: list[dict]) -> dict[str, Any]:
        width = max(len(row["input_ids"]) for row in batch)
        ids = torch.zeros(len(batch), width, dtype=torch.long)
        mask = torch.zeros(len(batch), width, dtype=torch.long)
        for index, row in enumerate(batch):
            ids[index, : len(row["input_ids"])] = torch.tensor(row["input_ids"])
            mask[index, : len(row["input_ids"])] = 1
        labels = ids.masked_fill(mask == 0, -100)
        return {"input_ids": ids, "attention_mask": mask, "labels": labels}

    collator = CountingCollator(pad, lambda batch: sum(len(r["input_ids"]) for r in batch))
    timer = StepTimer()
    with tempfile.TemporaryDirectory() as tmp:
        args = TrainingArguments(
            output_dir=tmp, max_steps=steps, per_device_train_batch_size=mb, gradient_accumulation_steps=1,
            learning_rate=1e-4, bf16=torch.cuda.is_available(), gradient_checkpointing=True,
            logging_steps=10_000, save_strategy="no", report_to="none", dataloader_num_workers=0,
            remove_unused_columns=False, disable_tqdm=True, use_cpu=not torch.cuda.is_available(),
        )
        trainer = Trainer(model=model, args=args, data_collator=collator, train_dataset=Dataset.from_list(examples),
                          callbacks=[timer])
        trainer.train()
    result = summarise(name, timer, collator, mb)
    del trainer
    model.unload()
    return result


def summarise(name: str, timer: StepTimer, collator: CountingCollator, mb: int) -> dict[str, Any]:
    """Tokens/s over the timed steps (after ``WARMUP_STEPS``), whole span and per window of ``WINDOW_STEPS``."""
    ends = timer.ends
    if len(ends) <= WARMUP_STEPS or len(collator.batches) < len(ends):
        raise RuntimeError(f"{len(ends)} steps ({len(collator.batches)} batches built): none left after "
                           f"{WARMUP_STEPS} warm-up steps")
    timed = range(WARMUP_STEPS, len(ends))
    seconds = [ends[k] - ends[k - 1] for k in timed]
    tokens = [collator.batches[k][0] for k in timed]
    windows = [sum(tokens[i:i + WINDOW_STEPS]) / sum(seconds[i:i + WINDOW_STEPS])
               for i in range(0, len(seconds) - WINDOW_STEPS + 1, WINDOW_STEPS)]
    ordered = sorted(windows)
    median = (ordered[(len(ordered) - 1) // 2] + ordered[len(ordered) // 2]) / 2 if ordered else None
    return {"variant": name, "micro_batch": mb, "warmup_steps": WARMUP_STEPS, "timed_steps": len(seconds),
            "timed_tokens": sum(tokens), "tokens_per_s": round(sum(tokens) / sum(seconds), 1),
            "window_steps": WINDOW_STEPS, "window_tokens_per_s": [round(w, 1) for w in windows],
            "median_window_tokens_per_s": round(median, 1) if median else None,
            "min_window_tokens_per_s": round(ordered[0], 1) if ordered else None,
            "max_window_tokens_per_s": round(ordered[-1], 1) if ordered else None,
            "step_s": [round(t, 3) for t in seconds], "widths": [collator.batches[k][1] for k in timed],
            "warmup_step_s": [round(ends[k] - ends[k - 1], 3) for k in range(1, WARMUP_STEPS)],
            "peak_gib": round(peak_gib(), 2)}


# ----------------------------------------------------------------------------------------------------------------
# the benchmark
# ----------------------------------------------------------------------------------------------------------------


def bench(args: argparse.Namespace, out: Path) -> None:
    started = time.monotonic()
    config = llama_config(args.tiny)
    n_params = parameter_count(config)
    path = saved_model(args.tiny)
    docs = random_documents(600, config.vocab_size, seed=0)
    rows = pack_examples(chunked_examples(docs, SEQ), SEQ)
    padded = truncated_examples(docs, SEQ)
    fill = sum(len(r["input_ids"]) for r in rows) / (len(rows) * SEQ)
    print(f"data: {len(docs)} docs, {len(rows)} packed rows (fill {fill:.3f})", flush=True)
    steps = args.steps
    results: list[dict[str, Any]] = []

    def record(result: dict[str, Any]) -> None:
        result["mfu_4n"] = round(mfu(result["tokens_per_s"], n_params), 4) if "tokens_per_s" in result else None
        results.append(result)
        with (out / "results.jsonl").open("a") as handle:
            handle.write(json.dumps(result) + "\n")
        print(json.dumps(result), flush=True)

    def attempt(name: str, fn: Any, *a: Any, **k: Any) -> None:
        if args.budget_s and time.monotonic() - started > args.budget_s:  # leave time for the table
            record({"variant": name, "error": f"skipped: {args.budget_s:.0f} s budget spent"})
            return
        try:
            record(fn(*a, name=name, **k))
        except Exception as exc:  # an OOM or an unsupported kernel is a result too
            record({"variant": name, "error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"})
            traceback.print_exc(file=sys.stderr)
            gpu_reset()

    # on CPU (--tiny smoke run) the "qlora" group runs unquantised, to exercise the code paths
    quantized_ok = torch.cuda.is_available() or args.tiny
    only = set(args.only.split(",")) if args.only else None

    def wanted(name: str) -> bool:
        return only is None or name in only

    if args.set == "R":
        bench_set_r(args, path, rows, padded, attempt)
        report(results, out)
        return
    if args.set in ("B", "C"):
        (bench_set_b if args.set == "B" else bench_set_c)(args, path, rows, padded, steps, attempt)
        report(results, out)
        return
    if quantized_ok:
        base = load(path, quantized=torch.cuda.is_available())
        for name, mb, ckpt in [("qlora-sigil-mb4-ckpt", 4, "full"), ("qlora-sigil-mb8-ckpt", 8, "full"),
                               ("qlora-sigil-mb4-selective", 4, "selective"), ("qlora-sigil-mb2-nockpt", 2, "none"),
                               ("qlora-sigil-mb3-nockpt", 3, "none")]:
            if wanted(name):
                attempt(name, run_sigil, base, rows=rows, mb=mb, ckpt=ckpt, steps=steps)
        if wanted("qlora-sigil-mb2-nockpt-flex"):
            attempt("qlora-sigil-mb2-nockpt-flex", run_sigil, base, rows=rows, mb=2, ckpt="none", steps=steps,
                    attn="flex_attention")
        # the baseline upcasts the base in place: it runs after the bf16 variants, and is undone afterwards
        attempt("qlora-baseline-hf-padded-mb4", run_baseline, base, examples=padded, mb=4, steps=steps)
        recast_bf16(base)
        if wanted("qlora-sigil-mb2-nockpt-liger"):
            attempt("qlora-sigil-mb2-nockpt-liger", run_sigil, base, rows=rows, mb=2, ckpt="none", steps=steps,
                    liger=True)
        if args.compile and wanted("qlora-sigil-mb2-nockpt-compile"):
            attempt("qlora-sigil-mb2-nockpt-compile", run_sigil, base, rows=rows, mb=2, ckpt="none", steps=steps,
                    compile_model=True)
        del base
        gpu_reset()
    base = load(path, quantized=False)
    for name, mb, ckpt in [("lora-bf16-sigil-mb2-nockpt", 2, "none"), ("lora-bf16-sigil-mb8-ckpt", 8, "full"),
                           ("lora-bf16-sigil-mb4-selective", 4, "selective")]:
        if wanted(name):
            attempt(name, run_sigil, base, rows=rows, mb=mb, ckpt=ckpt, steps=steps)
    report(results, out)


def bench_set_b(args: argparse.Namespace, path: Path, rows: list[dict], padded: list[dict], steps: int,
                attempt: Any) -> None:
    """Second round: Liger with the largest micro-batches that fit, LoRA dropout off, partial checkpointing."""
    base = load(path, quantized=torch.cuda.is_available())
    attempt("qlora-sigil-mb3-nockpt", run_sigil, base, rows=rows, mb=3, ckpt="none", steps=steps)
    attempt("qlora-sigil-mb2-nockpt-drop0", run_sigil, base, rows=rows, mb=2, ckpt="none", steps=steps, dropout=0.0)
    attempt("qlora-baseline-hf-padded-mb4", run_baseline, base, examples=padded, mb=4, steps=steps)
    recast_bf16(base)
    # Liger patches the model's modules for good: every variant after this point runs with its kernels
    attempt("qlora-sigil-mb3-nockpt-liger", run_sigil, base, rows=rows, mb=3, ckpt="none", steps=steps, liger=True)
    attempt("qlora-sigil-mb3-nockpt-liger-drop0", run_sigil, base, rows=rows, mb=3, ckpt="none", steps=steps,
            liger=True, dropout=0.0)
    attempt("qlora-sigil-mb4-nockpt-liger-drop0", run_sigil, base, rows=rows, mb=4, ckpt="none", steps=steps,
            liger=True, dropout=0.0)
    attempt("qlora-sigil-mb8-sel25-liger-drop0", run_sigil, base, rows=rows, mb=8, ckpt="selective", steps=steps,
            liger=True, dropout=0.0, fraction=0.25)
    del base
    gpu_reset()
    base = load(path, quantized=False)
    attempt("lora-bf16-sigil-mb2-nockpt-liger-drop0", run_sigil, base, rows=rows, mb=2, ckpt="none", steps=steps,
            liger=True, dropout=0.0)
    attempt("lora-bf16-sigil-mb3-nockpt-liger-drop0", run_sigil, base, rows=rows, mb=3, ckpt="none", steps=steps,
            liger=True, dropout=0.0)
    attempt("lora-bf16-sigil-mb8-sel25-liger-drop0", run_sigil, base, rows=rows, mb=8, ckpt="selective",
            steps=steps, liger=True, dropout=0.0, fraction=0.25)
    del base
    gpu_reset()


def bench_set_c(args: argparse.Namespace, path: Path, rows: list[dict], padded: list[dict], steps: int,
                attempt: Any) -> None:
    """Third round: torch.compile on top of set B's best QLoRA and bf16 LoRA variants, beside the same baseline."""
    base = load(path, quantized=torch.cuda.is_available())
    attempt("qlora-baseline-hf-padded-mb4", run_baseline, base, examples=padded, mb=4, steps=steps)
    recast_bf16(base)
    attempt("qlora-sigil-mb3-nockpt-liger-drop0", run_sigil, base, rows=rows, mb=3, ckpt="none", steps=steps,
            liger=True, dropout=0.0)
    attempt("qlora-sigil-mb3-nockpt-liger-drop0-compile", run_sigil, base, rows=rows, mb=3, ckpt="none",
            steps=steps, liger=True, dropout=0.0, compile_model=True)
    del base
    gpu_reset()
    base = load(path, quantized=False)
    attempt("lora-bf16-sigil-mb3-nockpt-liger-drop0", run_sigil, base, rows=rows, mb=3, ckpt="none", steps=steps,
            liger=True, dropout=0.0)
    attempt("lora-bf16-sigil-mb3-nockpt-liger-drop0-compile", run_sigil, base, rows=rows, mb=3, ckpt="none",
            steps=steps, liger=True, dropout=0.0, compile_model=True)
    del base
    gpu_reset()


def bench_set_r(args: argparse.Namespace, path: Path, rows: list[dict], padded: list[dict], attempt: Any) -> None:
    """The re-measurement (issue 17): the baseline with enough timed steps to show its spread, set B's best QLoRA
    and bf16 LoRA, and each torch.compile variant ``--repeats`` times. Both bases stay loaded (about 22 GiB
    together), so the repeats alternate without reloading; each variant's peak excludes the idle base."""
    global IDLE_BYTES
    steps, compiled_steps = WARMUP_STEPS + args.timed, WARMUP_STEPS + args.compile_timed
    before = allocated()
    qbase = load(path, quantized=torch.cuda.is_available())
    qbytes = allocated() - before
    bbase = load(path, quantized=False)
    bbytes = allocated() - before - qbytes
    # Liger's kernels are Triton: the CPU smoke run (--tiny) goes without them
    best = dict(mb=3, ckpt="none", liger=torch.cuda.is_available(), dropout=0.0)
    IDLE_BYTES = bbytes
    attempt("qlora-baseline-hf-padded-mb4", run_baseline, qbase, examples=padded, mb=4, steps=steps)
    recast_bf16(qbase)
    attempt("qlora-sigil-mb3-nockpt-liger-drop0", run_sigil, qbase, rows=rows, steps=steps, **best)
    IDLE_BYTES = qbytes
    attempt("lora-bf16-sigil-mb3-nockpt-liger-drop0", run_sigil, bbase, rows=rows, steps=steps, **best)
    # compile runs alternate QLoRA / bf16; a repeat in this process finds inductor's caches warm (stated in the table)
    for repeat in range(1, args.repeats + 1):
        IDLE_BYTES = bbytes
        attempt(f"qlora-sigil-mb3-nockpt-liger-drop0-compile-run{repeat}", run_sigil, qbase, rows=rows,
                steps=compiled_steps, compile_model=True, **best)
        IDLE_BYTES = qbytes
        attempt(f"lora-bf16-sigil-mb3-nockpt-liger-drop0-compile-run{repeat}", run_sigil, bbase, rows=rows,
                steps=compiled_steps, compile_model=True, **best)
    IDLE_BYTES = 0
    del qbase, bbase
    gpu_reset()


def report(results: list[dict[str, Any]], out: Path | None) -> None:
    """The table: median and range of the per-window tokens/s, the whole timed span, and the ratio of medians to the
    same run's baseline (in brackets: the variant's median over the baseline's fastest and slowest window)."""
    baseline = next((r for r in results if r["variant"].startswith("qlora-baseline") and "tokens_per_s" in r), None)

    def median(r: dict[str, Any]) -> float:
        return r.get("median_window_tokens_per_s") or r["tokens_per_s"]

    lines = ["| variant | mb | timed steps | tok/s median of windows | window range | tok/s whole span | "
             "x baseline (median) | slowest step s | MFU (4N, median) | peak GiB |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['variant']} | | | error: {r['error'][:80]} | | | | | | |")
            continue
        ratio = "n/a"
        if baseline:
            ratio = f"{median(r) / median(baseline):.2f}"
            if baseline.get("max_window_tokens_per_s") and r is not baseline:
                ratio += (f" ({median(r) / baseline['max_window_tokens_per_s']:.2f}–"
                          f"{median(r) / baseline['min_window_tokens_per_s']:.2f})")
        spread = (f"{r['min_window_tokens_per_s']:,.0f}–{r['max_window_tokens_per_s']:,.0f}"
                  if r.get("min_window_tokens_per_s") else "")
        mfu_median = r["mfu_4n"] * median(r) / r["tokens_per_s"] if r.get("mfu_4n") else 0.0
        lines.append(f"| {r['variant']} | {r['micro_batch']} | {r.get('timed_steps', len(r['step_s']))} | "
                     f"{median(r):,.0f} | {spread} | {r['tokens_per_s']:,.0f} | {ratio} | {max(r['step_s']):.2f} | "
                     f"{100 * mfu_median:.1f}% | {r['peak_gib']:.1f} |")
    table = "\n".join(lines)
    if out is not None:
        (out / "table.md").write_text(table + "\n")
    print(table, flush=True)


# ----------------------------------------------------------------------------------------------------------------
# loss parity: sigil's bf16 non-quantised weights vs PEFT's fp32 upcast, same data, same seeds
# ----------------------------------------------------------------------------------------------------------------


def parity(args: argparse.Namespace, out: Path) -> None:
    from datasets import Dataset
    from peft import prepare_model_for_kbit_training
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import TrainerCallback as Callback
    from trl import SFTConfig, SFTTrainer

    config = llama_config(args.tiny)
    path = saved_model(args.tiny)
    texts = rust_corpus(3000, seed=1)
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.train_from_iterator(texts, trainers.BpeTrainer(vocab_size=min(8000, config.vocab_size), show_progress=False,
                                                             special_tokens=["<pad>", "<s>", "</s>"]))
    seq = args.parity_seq
    docs = [tokenizer.encode(text).ids for text in texts]
    rows = pack_examples(chunked_examples(docs, seq), seq)
    print(f"parity data: {len(docs)} files, {sum(map(len, docs))} tokens, {len(rows)} rows of {seq}", flush=True)
    curves: dict[str, list[float]] = {}
    quantized = torch.cuda.is_available()
    base = load(path, quantized=quantized)

    class Losses(Callback):
        def __init__(self) -> None:
            self.losses: list[float] = []

        def on_log(self, a: Any, state: Any, control: Any, logs: dict | None = None, **k: Any) -> None:
            if logs and "loss" in logs:
                self.losses.append(float(logs["loss"]))

    for name in ("bf16-nonquantized", "fp32-upcast"):
        gpu_reset()
        if name == "fp32-upcast":
            base = prepare_model_for_kbit_training(base, use_gradient_checkpointing=False) if quantized else base.float()
        set_checkpointing(base, "none")
        model = lora(base, seed=0)
        losses = Losses()
        clock = time.time()
        with tempfile.TemporaryDirectory() as tmp:
            sft_args = SFTConfig(
                output_dir=tmp, max_steps=args.parity, per_device_train_batch_size=4, gradient_accumulation_steps=1,
                learning_rate=2e-4, warmup_steps=10, lr_scheduler_type="cosine", bf16=quantized, logging_steps=1,
                save_strategy="no", report_to="none", dataset_kwargs={"skip_prepare_dataset": True},
                dataloader_num_workers=0, packing=False, padding_free=False, disable_tqdm=True, seed=0, data_seed=0,
                use_cpu=not quantized, max_length=seq,
            )
            trainer = SFTTrainer(model=model, args=sft_args, data_collator=PackedCollator(pad_token_id=0),
                                 train_dataset=Dataset.from_list(rows), processing_class=placeholder_tokenizer(),
                                 callbacks=[losses])
            trainer.train()
        curves[name] = losses.losses
        print(f"{name}: {len(losses.losses)} steps in {time.time() - clock:.0f}s, peak {peak_gib():.1f} GiB, "
              f"first {losses.losses[0]:.4f} last {losses.losses[-1]:.4f}", flush=True)
        del trainer
        model.unload()
    a, b = curves["bf16-nonquantized"], curves["fp32-upcast"]
    tail = max(1, len(a) // 4)
    summary = {
        "steps": len(a), "seq": seq, "micro_batch": 4,
        "bf16_first": a[0], "fp32_first": b[0],
        "bf16_mean_last_quarter": sum(a[-tail:]) / tail, "fp32_mean_last_quarter": sum(b[-tail:]) / tail,
        "max_abs_diff": max(abs(x - y) for x, y in zip(a, b)),
        "mean_abs_diff": sum(abs(x - y) for x, y in zip(a, b)) / len(a),
        "step_noise_bf16": sum(abs(x - y) for x, y in zip(a[-tail:], a[-tail + 1:])) / max(1, tail - 1),
    }
    (out / "parity.json").write_text(json.dumps({"summary": summary, "curves": curves}, indent=1) + "\n")
    print(json.dumps(summary), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiny", action="store_true", help="tiny model (CPU smoke run of this script)")
    parser.add_argument("--steps", type=int, default=10,
                        help=f"steps per variant in sets A-C (the first {WARMUP_STEPS} are warm-up)")
    parser.add_argument("--set", choices=["A", "B", "C", "R"], default="A",
                        help="variant set: A (levers one by one), B (combined), C (B's best with torch.compile), "
                             "R (the re-measurement: baseline, B's best, compile variants repeated)")
    parser.add_argument("--timed", type=int, default=40, help="set R: timed steps after the warm-up")
    parser.add_argument("--compile-timed", type=int, default=40, help="set R: timed steps of the compile variants")
    parser.add_argument("--repeats", type=int, default=2, help="set R: runs of each torch.compile variant")
    parser.add_argument("--budget-s", type=float, default=0.0,
                        help="start no variant after this many seconds (model build included; 0: no limit)")
    parser.add_argument("--report", type=Path, help="print the table of a results.jsonl and exit")
    parser.add_argument("--only", default="", help="comma-separated variant names (the baseline always runs)")
    parser.add_argument("--compile", action="store_true", help="also try torch.compile")
    parser.add_argument("--parity", type=int, default=0, help="run the loss-parity check for N steps instead")
    parser.add_argument("--parity-seq", type=int, default=1024)
    args = parser.parse_args()
    if args.report:
        report([json.loads(line) for line in args.report.read_text().splitlines() if line.strip()], None)
        return
    out = Path(os.environ.get("OUT") or ROOT / "bench-out")
    out.mkdir(parents=True, exist_ok=True)
    env = {"torch": torch.__version__, "cuda": torch.version.cuda,
           "device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"}
    from importlib import metadata

    # distribution metadata, not __version__: liger_kernel has none and read as "missing" in runs 1-4
    for module, dist in (("transformers", "transformers"), ("peft", "peft"), ("trl", "trl"),
                         ("bitsandbytes", "bitsandbytes"), ("accelerate", "accelerate"),
                         ("liger_kernel", "liger-kernel"), ("datasets", "datasets")):
        try:
            env[module] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            env[module] = "missing"
    env["date"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    print(json.dumps(env), flush=True)
    (out / f"env{'-parity' if args.parity else ''}.json").write_text(json.dumps(env, indent=1) + "\n")
    if args.parity:
        parity(args, out)
    else:
        bench(args, out)


if __name__ == "__main__":
    main()
