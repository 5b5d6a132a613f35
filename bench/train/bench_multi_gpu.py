"""Data parallelism on several GPUs: the 8B-shaped QLoRA benchmark of ``bench_qlora.py`` on 1 GPU, and on N GPUs with
DDP and with FSDP, at the same effective batch. ``multi_gpu.sh`` runs the three launches and the report.

    python bench/train/bench_multi_gpu.py --mode single                                   # 1 GPU
    torchrun --standalone --nproc-per-node 2 bench/train/bench_multi_gpu.py --mode ddp    # 2 GPUs, DDP
    torchrun --standalone --nproc-per-node 2 bench/train/bench_multi_gpu.py --mode fsdp   # 2 GPUs, FSDP2
    python bench/train/bench_multi_gpu.py --report $OUT                                   # scaling + loss curves
    python bench/train/bench_multi_gpu.py --mode single --tiny                            # CPU smoke run

Same model, data and timing as ``bench_qlora.py`` (random-init Llama-3.1-8B shape, packed rows of 2048 tokens,
first ``WARMUP_STEPS`` steps untimed, tokens/s per window of timed steps). The effective batch is
``--global-batch`` rows per optimizer step whatever the GPU count: each of N GPUs takes ``global-batch / N`` rows,
no accumulation. The rows are read in order (sequential sampler), so every launch trains on the same rows at the
same step and the loss curves are comparable step by step. Tokens per step are the sum over the ranks' batches;
step times are rank 0's (each rank synchronises its device at a step's end; the gradient reduction makes the ranks
finish a step together). FSDP's arguments are sigil's own (``sigil_train.trainer.trl_trainer.fsdp_arguments``),
so the FSDP measured is what ``train.distributed: fsdp`` runs; its 4-bit weights are stored in bfloat16
(``bnb_4bit.quant_storage``), the other modes keep uint8 as ``bench_qlora.py`` did. Each launch writes
``multi_gpu-<mode>.json`` under ``$OUT``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import bench_qlora as bq  # noqa: E402  (puts sigil-train on the path)
import torch  # noqa: E402

MODES = ("single", "ddp", "fsdp")


def world() -> tuple[int, int]:
    return int(os.environ.get("RANK", "0")), int(os.environ.get("WORLD_SIZE", "1"))


def check_launch(mode: str, world_size: int, global_batch: int) -> int:
    """The per-GPU micro-batch, after refusing a launch that does not match the mode."""
    if mode == "single" and world_size != 1:
        raise SystemExit(f"--mode single runs in one process; this launch has {world_size}")
    if mode in ("ddp", "fsdp") and "LOCAL_RANK" not in os.environ:
        raise SystemExit(f"--mode {mode} needs torchrun: torchrun --standalone --nproc-per-node N {sys.argv[0]} ...")
    if global_batch % world_size:
        raise SystemExit(f"--global-batch {global_batch} does not divide by {world_size} processes")
    return global_batch // world_size


def trainer_args(mode: str, out: str, steps: int, micro_batch: int, checkpointing: bool, cuda: bool) -> dict[str, Any]:
    """``SFTConfig`` arguments: bench_qlora's, plus sigil's FSDP arguments for ``--mode fsdp``."""
    from sigil_train.trainer.trl_trainer import checkpointing_arguments, fsdp_arguments

    train = SimpleNamespace(distributed="fsdp" if mode == "fsdp" else "ddp", fsdp_cpu_offload=False,
                            gradient_checkpointing=checkpointing)
    return {
        "output_dir": out, "max_steps": steps, "per_device_train_batch_size": micro_batch,
        "gradient_accumulation_steps": 1, "learning_rate": 1e-4, "warmup_steps": 0, "lr_scheduler_type": "constant",
        "bf16": cuda, **checkpointing_arguments(checkpointing), "logging_steps": 1, "save_strategy": "no",
        "report_to": "none", "dataset_kwargs": {"skip_prepare_dataset": True}, "dataloader_num_workers": 0,
        "packing": False, "padding_free": False, "disable_tqdm": True, "use_cpu": not cuda, "max_length": bq.SEQ,
        "train_sampling_strategy": "sequential", "seed": 0, "data_seed": 0,
        **fsdp_arguments(train),  # FSDP's own activation checkpointing replaces transformers' under fsdp
    }


class Losses(bq.TrainerCallback):
    """The logged training loss of every step (transformers averages it over the ranks before logging)."""

    def __init__(self) -> None:
        self.losses: list[float] = []

    def on_log(self, args: Any, state: Any, control: Any, logs: dict | None = None, **kwargs: Any) -> None:
        if logs and "loss" in logs:
            self.losses.append(float(logs["loss"]))


def gather(value: Any) -> list[Any]:
    """``value`` from every rank, in rank order (just ``[value]`` in one process)."""
    if not (torch.distributed.is_available() and torch.distributed.is_initialized()):
        return [value]
    values: list[Any] = [None] * torch.distributed.get_world_size()
    torch.distributed.all_gather_object(values, value)
    return values


def run(args: argparse.Namespace, out: Path) -> dict[str, Any] | None:
    from datasets import Dataset
    from sigil_train.data.collator import PackedCollator
    from sigil_train.data.pack import pack_examples
    from synthetic_data import chunked_examples, random_documents
    from trl import SFTConfig, SFTTrainer

    rank, world_size = world()
    micro_batch = check_launch(args.mode, world_size, args.global_batch)
    cuda = torch.cuda.is_available()
    if cuda:
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    else:
        torch.set_num_threads(1)
    # rank 0 builds the random-init model once; the others wait for its files (no process group exists yet)
    path = bq.ROOT / ".bench-cache" / ("tiny" if args.tiny else "llama-3.1-8b-shape")
    if rank == 0:
        bq.saved_model(args.tiny)
    while not (path / "config.json").exists():
        time.sleep(1)
    config = bq.llama_config(args.tiny)
    docs = random_documents(600, config.vocab_size, seed=0)
    rows = pack_examples(chunked_examples(docs, bq.SEQ), bq.SEQ)

    storage = "bfloat16" if args.mode == "fsdp" else "uint8"
    base = load(path, args.adapter, storage)
    model = base if args.adapter == "full" else bq.lora(base, dropout=0.0)
    collator = bq.CountingCollator(PackedCollator(pad_token_id=0, layout="rows"),
                                   lambda batch: sum(sum(r["seq_lengths"]) for r in batch))
    timer, losses = bq.StepTimer(), Losses()
    steps = bq.WARMUP_STEPS + args.timed
    bq.gpu_reset()
    with tempfile.TemporaryDirectory() as tmp:
        sft = trainer_args(args.mode, tmp, steps, micro_batch, args.checkpointing, cuda)
        trainer = SFTTrainer(model=model, args=SFTConfig(**sft), data_collator=collator,
                             train_dataset=Dataset.from_list(rows), processing_class=bq.placeholder_tokenizer(),
                             callbacks=[timer, losses])
        if args.mode == "fsdp" and not trainer.is_fsdp_enabled:
            raise SystemExit(f"FSDP was not enabled by accelerate ({trainer.accelerator.distributed_type})")
        try:
            trainer.train()
        except torch.OutOfMemoryError as exc:  # full fine-tuning of 8B on one GPU, or under DDP: a result too
            if rank == 0:
                failed = {"variant": f"{args.adapter}-{args.mode}-{world_size}gpu", "mode": args.mode,
                          "world_size": world_size, "adapter": args.adapter, "micro_batch_per_gpu": micro_batch,
                          "error": f"OutOfMemoryError: {str(exc).splitlines()[0][:300]}",
                          "peak_gib_rank0": round(bq.peak_gib(), 2)}
                (out / f"multi_gpu-{args.mode}.json").write_text(json.dumps(failed, indent=1) + "\n")
            raise
        sharded = type(trainer.model_wrapped).__name__
        plugin = trainer.args.fsdp_plugin_args
    # tokens per step: every rank's batch of that step, summed
    per_rank_tokens = gather([tokens for tokens, _ in collator.batches[:len(timer.ends)]])
    peaks = gather(round(bq.peak_gib(), 2))
    if rank != 0:
        return None
    summed = bq.CountingCollator(None, None)
    summed.batches = [(sum(rank_tokens[k] for rank_tokens in per_rank_tokens), collator.batches[k][1])
                      for k in range(len(timer.ends))]
    result = bq.summarise(f"{args.adapter}-{args.mode}-{world_size}gpu", timer, summed, micro_batch)
    result.update(mode=args.mode, world_size=world_size, adapter=args.adapter, global_batch=args.global_batch,
                  micro_batch_per_gpu=micro_batch, checkpointing=args.checkpointing,
                  quantized=args.adapter == "qlora" and cuda, quant_storage=storage,
                  peak_gib_per_gpu=peaks, losses=losses.losses, wrapped_as=sharded, fsdp_plugin_args=plugin,
                  nccl_nvls_enable=os.environ.get("NCCL_NVLS_ENABLE"))
    result.pop("peak_gib", None)  # rank 0's alone; peak_gib_per_gpu has every GPU's
    (out / f"multi_gpu-{args.mode}.json").write_text(json.dumps(result, indent=1, default=str) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k not in ("step_s", "widths", "losses")}, default=str),
          flush=True)
    return result


def load(path: Path, adapter: str, storage: str) -> Any:
    """bench_qlora's loading, on this rank's GPU, with the 4-bit storage dtype FSDP needs; ``full`` loads fp32 master
    weights as sigil's ``adapter: full`` does (bf16 autocast does the matmuls)."""
    from transformers import AutoModelForCausalLM, BitsAndBytesConfig

    quantized = adapter == "qlora" and torch.cuda.is_available()
    kwargs: dict[str, Any] = {"dtype": torch.float32 if adapter == "full" else torch.bfloat16,
                              "attn_implementation": "sdpa"}
    if torch.cuda.is_available():
        kwargs["device_map"] = {"": torch.cuda.current_device()}
    if quantized:
        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=torch.bfloat16, bnb_4bit_quant_storage=getattr(torch, storage),
        )
    elif not torch.cuda.is_available():
        kwargs["dtype"] = torch.float32  # CPU smoke run: bf16 matmuls are slow there
    model = AutoModelForCausalLM.from_pretrained(path, **kwargs)
    model.config.use_cache = False
    return model


def report(directory: Path) -> dict[str, Any]:
    """Scaling of DDP and FSDP over the 1-GPU run (medians of the windows) and their loss curves against it."""
    found = {mode: json.loads((directory / f"multi_gpu-{mode}.json").read_text())
             for mode in MODES if (directory / f"multi_gpu-{mode}.json").exists()}
    failed = {mode: result.get("error", "no result: the launch failed") for mode, result in found.items()
              if "error" in result} | {mode: "no result: the launch failed" for mode in MODES if mode not in found}
    results = {mode: result for mode, result in found.items() if mode not in failed}
    if not results:
        raise SystemExit(f"{directory}: no launch produced a result ({failed})")
    # the 1-GPU run is the reference; without it (full fine-tuning of 8B does not fit one GPU), the first that ran
    reference = "single" if "single" in results else next(iter(results))
    single = results[reference]

    def speed(result: dict[str, Any]) -> float:
        return result.get("median_window_tokens_per_s") or result["tokens_per_s"]

    summary: dict[str, Any] = {"reference": reference, "failed": failed}
    lines = [f"| launch | GPUs | rows per GPU | tok/s (median of windows) | window range | x {reference} | "
             f"per-GPU efficiency | peak GiB per GPU | loss: max / mean abs diff to {reference} | last loss |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for mode, result in results.items():
        n = min(len(result["losses"]), len(single["losses"]))
        diffs = [abs(a - b) for a, b in zip(result["losses"][:n], single["losses"][:n])]
        scaling = speed(result) / speed(single)
        entry = {"tokens_per_s": speed(result), "scaling": round(scaling, 3),
                 "efficiency": round(scaling * single["world_size"] / result["world_size"], 3),
                 "peak_gib_per_gpu": result["peak_gib_per_gpu"],
                 "loss_max_abs_diff": round(max(diffs), 4) if diffs else None,
                 "loss_mean_abs_diff": round(sum(diffs) / len(diffs), 4) if diffs else None}
        summary[mode] = entry
        lines.append(f"| {mode} | {result['world_size']} | {result['micro_batch_per_gpu']} | {speed(result):,.0f} | "
                     f"{result.get('min_window_tokens_per_s') or 0:,.0f}–{result.get('max_window_tokens_per_s') or 0:,.0f}"
                     f" | {scaling:.2f} | {entry['efficiency']:.2f} | "
                     f"{', '.join(f'{p:.1f}' for p in result['peak_gib_per_gpu'])} | "
                     f"{entry['loss_max_abs_diff']} / {entry['loss_mean_abs_diff']} | "
                     f"{result['losses'][-1] if result['losses'] else float('nan'):.4f} |")
    for mode, error in failed.items():
        lines.append(f"| {mode} | | | {error[:100]} | | | | | | |")
    # the reference curve's own step-to-step noise, to judge the differences against
    tail = single["losses"][len(single["losses"]) // 2:]
    summary["reference_step_noise"] = round(sum(abs(a - b) for a, b in zip(tail, tail[1:])) / max(1, len(tail) - 1), 4)
    table = "\n".join(lines)
    (directory / "multi_gpu-table.md").write_text(table + "\n")
    (directory / "multi_gpu.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(table, flush=True)
    print(json.dumps(summary), flush=True)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=MODES, help="single (one process), ddp or fsdp (under torchrun)")
    parser.add_argument("--adapter", choices=["qlora", "lora", "full"], default="qlora",
                        help="LoRA on a 4-bit or a bf16 base, or full fine-tuning (fp32 master weights)")
    parser.add_argument("--global-batch", type=int, default=4, help="rows per optimizer step over all GPUs")
    parser.add_argument("--timed", type=int, default=20, help=f"timed steps after {bq.WARMUP_STEPS} warm-up steps")
    parser.add_argument("--checkpointing", action=argparse.BooleanOptionalAction, default=True,
                        help="activation checkpointing (FSDP's own under fsdp)")
    parser.add_argument("--tiny", action="store_true", help="tiny model (CPU smoke run of this script)")
    parser.add_argument("--report", type=Path, help="compare the multi_gpu-*.json of a directory and exit")
    args = parser.parse_args()
    if args.report:
        report(args.report)
        return
    if not args.mode:
        parser.error("--mode or --report is needed")
    out = Path(os.environ.get("OUT") or bq.ROOT / "bench-out")
    out.mkdir(parents=True, exist_ok=True)
    run(args, out)


if __name__ == "__main__":
    main()
