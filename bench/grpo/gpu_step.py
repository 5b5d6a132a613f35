"""GRPO step time and its split (generation, reward, update) on an 8B-shaped model, through sigil's own ``grpo`` stage.

    python3 bench/grpo/gpu_step.py --reward syntax                   # the GPU machine without a Rust toolchain
    python3 bench/grpo/gpu_step.py --reward evaluator                # with one carried (bench/grpo/pack_toolchain.sh)
    nice -n 15 python bench/grpo/gpu_step.py --tiny --reward evaluator   # CPU check of the script, real verdicts
    nice -n 15 python bench/grpo/gpu_step.py --tiny --reward syntax

Each variant is one ``sigil run`` (in-process) of a pipeline with a single ``type: grpo`` stage: the stage's own
model loading (``train.adapter: lora``, bf16 on a GPU), TRL's ``GRPOTrainer``, sigil's reward function, its
checkpoints and metrics. The base is a random-init Llama-3.1-8B shape (``bench/train``'s builder, saved once and
loaded back by the stage through ``from_pretrained``); ``--tiny`` uses that script's small shape instead. Its
tokenizer is the ``sigil-tiny`` recipe (byte-level BPE) trained on the prompt suite's text, so its vocabulary is far
smaller than the model's 128,256 rows: ids past it decode to nothing, so completions are short texts even when they
run to the length limit (a random model never samples EOS). Timing does not depend on the text; the syntax reward
does, a little.

Rewards (``--reward``):

- ``evaluator``: sigil's ``EvaluatorReward`` unchanged: compile + clippy in the sandbox, the problem's tests (needs
  rustc, clippy-driver and bwrap; the GPU machine has none of its own: bench/grpo/pack_toolchain.sh carries them);
- ``syntax``: sigil's registered ``idiomatic`` scorer (the wheel's tree-sitter scorer, no compiler) on each
  completion's whole program (prompt + completion cut at the stop tokens + tests), NOT gated on compiling. It is a
  real computed score, not a verdict: it stands in so that the trainer path runs where no compiler exists, and its
  time is what a syntax-only reward costs, not what compile + test rewards cost (bench/RESULTS.md measures those).

Timing: TRL's own profiled regions (``profiling_context``: ``transformers.generate``, the reward function,
``_prepare_inputs``, ``compute_loss``), recorded here with the device synchronised at each region's entry and exit,
and sigil's ``step_s`` per optimizer step (``RewardTimeCallback``). Per step: generation = TRL's generate region;
reward = the reward function's region; other preparation = ``_prepare_inputs`` less those two (tokenising, padding,
advantages); update = ``step_s`` less ``_prepare_inputs`` (forward, backward, optimizer; the step's asynchronous tail
lands in the next step's update, the same amount in steady state). The first ``--warmup`` steps are left out of the
summary. Output: ``$OUT/gpu_step.json`` (or ``--out``), rewritten after each variant, and a line per step on stdout.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "train"))

import torch  # noqa: E402

#: name -> overrides of the grpo/train sections; run in this order (the first is the one the issue asks for).
VARIANTS: dict[str, dict[str, Any]] = {
    "g8x4-len128-ckpt": {"grpo": {"num_generations": 8, "prompts_per_step": 4, "max_completion_length": 128},
                         "train": {"gradient_checkpointing": True}},
    "g8x4-len128-nockpt": {"grpo": {"num_generations": 8, "prompts_per_step": 4, "max_completion_length": 128},
                           "train": {"gradient_checkpointing": False}},
    "g8x4-len256-nockpt": {"grpo": {"num_generations": 8, "prompts_per_step": 4, "max_completion_length": 256},
                           "train": {"gradient_checkpointing": False}},
    # --tiny: a CPU-sized step
    "tiny": {"grpo": {"num_generations": 4, "prompts_per_step": 2, "max_completion_length": 32},
             "train": {"gradient_checkpointing": False}},
}
REWARDS = {"evaluator": {"compile": 0.5, "tests": 1.0, "clippy": 0.05, "idiomatic": 0.1}, "syntax": {"idiomatic": 1.0}}
PROMPTS = "rust-tasks-train"


# ----------------------------------------------------------------------------------------------------------------
# measuring: TRL's profiled regions, device-synchronised
# ----------------------------------------------------------------------------------------------------------------


class Regions:
    """Every TRL profiling region as (name, global step when it opened, seconds), in order."""

    def __init__(self) -> None:
        self.records: list[tuple[str, int, float]] = []

    def install(self) -> None:
        from trl.extras import profiling

        regions = self
        enter, leave = profiling.ProfilingContext.__enter__, profiling.ProfilingContext.__exit__

        def timed_enter(context: Any) -> Any:
            synchronize()
            return enter(context)

        def timed_exit(context: Any, *exc: Any) -> Any:
            synchronize()
            if context._start_time is not None:
                regions.records.append((context.name.split(".", 1)[1], context.step or 0,
                                        time.perf_counter() - context._start_time))
            return leave(context, *exc)

        profiling.ProfilingContext.__enter__ = timed_enter  # type: ignore[method-assign]
        profiling.ProfilingContext.__exit__ = timed_exit  # type: ignore[method-assign]

    def seconds(self, step: int, name: str) -> float:
        """Seconds in region ``name`` during optimizer step ``step`` (1-based; TRL records the step before it)."""
        return sum(s for n, at, s in self.records if n == name and at == step - 1)


def synchronize() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


# ----------------------------------------------------------------------------------------------------------------
# the reward that needs no compiler
# ----------------------------------------------------------------------------------------------------------------


def syntax_reward_class() -> type:
    from sigil_train.grpo import rewards

    from sigil import SCORERS, EvalBatch, Sample, registry, reward_total

    class SyntaxReward(rewards.EvaluatorReward):
        """sigil's ``idiomatic`` scorer on each completion's whole program, ungated: no compiler, no sandbox."""

        def __init__(self, problems: dict, eval_config: Any, weights: dict[str, float], clippy_cap: int,
                     group_size: int, seed: int, pipeline: Any = None) -> None:
            if set(weights) != {"idiomatic"}:
                raise SystemExit(f"--reward syntax scores idiomatic only; grpo.rewards is {weights}")
            self.problems, self.weights, self.clippy_cap = problems, dict(weights), clippy_cap
            self.group_size, self.seed, self.pipeline = group_size, seed, pipeline
            self.eval_config = eval_config.model_copy(update={"scorers": ["idiomatic"]})
            self.stats = rewards.RewardStats()

        def __call__(self, prompts: list, completions: list, problem: list[str], log_metric: Any = None,
                     **_: Any) -> list[float]:
            clock = time.monotonic()
            samples = [Sample(f"{self.stats.calls}-{index}", self.problems[name].prompt, text, name, index, text,
                              self.problems[name])
                       for index, (name, text) in enumerate(zip(problem, map(rewards.completion_text, completions),
                                                                strict=True))]
            batch = EvalBatch(samples, [sample.program or "" for sample in samples], [{} for _ in samples],
                              self.eval_config.idiomatic_weights, self.eval_config.jobs, self.pipeline,
                              self.eval_config)
            values = [{"idiomatic": float(score["idiomatic_score"])}
                      for score in registry(SCORERS).get("idiomatic").score(batch)]
            self.stats.calls += 1
            self.stats.completions += len(samples)
            self.stats.seconds += time.monotonic() - clock
            self.stats.last = values
            if log_metric is not None:
                for name, value in self.step_metrics(values, problem).items():
                    log_metric(name, value)
            return [reward_total(value, self.weights) for value in values]

    return SyntaxReward


# ----------------------------------------------------------------------------------------------------------------
# the base model: bench/train's random-init builder + the sigil-tiny tokenizer recipe on the prompts' text
# ----------------------------------------------------------------------------------------------------------------


def base_model(tiny: bool, cache: Path) -> tuple[Path, dict[str, Any]]:
    from bench_qlora import saved_model
    from model_shapes import llama_config, parameter_count
    from transformers import AutoTokenizer

    from sigil import build_tiny_model, parse_spec, resolve_suite

    clock = time.time()
    path = saved_model(tiny)
    config = llama_config(tiny)
    if not (path / "tokenizer.json").exists():
        problems = resolve_suite(PROMPTS).problems
        texts = [problem.prompt + (problem.reference or "") + problem.tests for problem in problems]
        # special tokens <pad> <s> </s> are ids 0 1 2: the ids llama_config gives pad, bos and eos
        vocab = min(config.vocab_size, 32000)
        holder = build_tiny_model(parse_spec(f"sigil-tiny:llama,layers=1,hidden=8,heads=1,kv_heads=1,vocab={vocab}"),
                                  texts, cache)
        tokenizer = AutoTokenizer.from_pretrained(holder)
        assert (tokenizer.pad_token_id, tokenizer.bos_token_id, tokenizer.eos_token_id) == (0, 1, 2)
        assert len(tokenizer) <= config.vocab_size
        tokenizer.save_pretrained(path)
    tokenizer = AutoTokenizer.from_pretrained(path)
    info = {"path": str(path), "shape": "tiny (bench/train TINY)" if tiny else "Llama-3.1-8B (random init)",
            "parameters": parameter_count(config), "vocab_model": config.vocab_size, "vocab_tokenizer": len(tokenizer),
            "ready_s": round(time.time() - clock, 1)}
    print(f"base model: {json.dumps(info)}", flush=True)
    return path, info


# ----------------------------------------------------------------------------------------------------------------
# one variant: one pipeline run, then its per-step split
# ----------------------------------------------------------------------------------------------------------------


def pipeline_config(base: Path, out_dir: Path, variant: dict[str, Any], reward: str, steps: int,
                    tiny: bool) -> dict[str, Any]:
    grpo = {"prompts": PROMPTS, "limit": 256, "temperature": 1.0, "lr": 1e-5, "max_steps": steps,
            "loss_type": "dapo", "beta": 0.0, "rewards": REWARDS[reward], **variant["grpo"]}
    train = {"adapter": "lora", "save_every": 100_000, "log_every": 1, "eval_every": 0,
             "dataloader_num_workers": 0, "warmup_steps": 0, **variant["train"]}
    return {
        "model_name": str(base),
        "max_seq_len": 1024,
        "train": train,
        "lora": {"r": 16, "alpha": 32},
        "grpo": grpo,
        # no cached verdict is read: each step's reward is computed in the step
        "eval": {"cache_dir": None},
        "misc": {"output_dir": str(out_dir), "seed": 0},
        "stages": [{"name": "grpo", "type": "grpo"}],
    }


def run_variant(name: str, base: Path, work: Path, reward: str, steps: int, warmup: int, tiny: bool,
                regions: Regions) -> dict[str, Any]:
    import yaml

    from sigil.cli import main as sigil_main

    out_dir = work / name
    shutil.rmtree(out_dir, ignore_errors=True)
    config = pipeline_config(base, out_dir, VARIANTS[name], reward, steps, tiny)
    config_path = work / f"{name}.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    before = torch.cuda.memory_allocated() if torch.cuda.is_available() else 0
    regions.records.clear()
    clock = time.time()
    code = sigil_main(["run", str(config_path)])
    wall = time.time() - clock
    if code != 0:
        raise RuntimeError(f"sigil run exited {code}")
    peak = torch.cuda.max_memory_allocated() if torch.cuda.is_available() else 0
    reserved = torch.cuda.max_memory_reserved() if torch.cuda.is_available() else 0

    stage = json.loads((out_dir / "stages" / "grpo" / "stage.json").read_text())["metrics"]
    choices = json.loads((out_dir / "stages" / "grpo" / "trainer_args.json").read_text())["sigil"]
    logged: dict[int, dict[str, Any]] = {}
    for line in (out_dir / "metrics.jsonl").read_text().splitlines():
        entry = json.loads(line)
        if entry.get("stage") == "grpo":
            logged.setdefault(entry["step"], {}).update(entry)
    completions = config["grpo"]["num_generations"] * config["grpo"]["prompts_per_step"]
    rows: list[dict[str, Any]] = []
    tokens_before = 0.0
    for step in range(1, steps + 1):
        m = logged.get(step, {})
        step_s = float(m["step_s"])
        generation = regions.seconds(step, "transformers.generate")
        reward_s = regions.seconds(step, "sigil")
        prepare = regions.seconds(step, "_prepare_inputs")
        completion_tokens = completions * float(m.get("completions/mean_length", 0.0))
        tokens = float(m.get("num_tokens", 0.0))  # TRL: prompt + completion tokens seen so far
        rows.append({
            "step": step, "warmup": step <= warmup, "step_s": round(step_s, 3), "generation_s": round(generation, 3),
            "reward_s": round(reward_s, 3), "other_prepare_s": round(prepare - generation - reward_s, 3),
            "update_s": round(step_s - prepare, 3), "loss_forward_s": round(regions.seconds(step, "compute_loss"), 3),
            "completion_tokens": int(completion_tokens), "step_tokens": int(tokens - tokens_before),
            "generation_tok_s": round(completion_tokens / generation, 1) if generation else None,
            "step_tok_s": round((tokens - tokens_before) / step_s, 1) if step_s else None,
            "reward": m.get("reward"), "completions_clipped": m.get("completions/clipped_ratio"),
        })
        tokens_before = tokens
        print(f"{name} step {step}{' (warm-up)' if step <= warmup else ''}: " +
              ", ".join(f"{k} {v}" for k, v in rows[-1].items() if k not in ("step", "warmup")), flush=True)

    timed = [row for row in rows if not row["warmup"]]
    summary = {key: {"median": round(statistics.median(row[key] for row in timed), 3),
                     "min": min(row[key] for row in timed), "max": max(row[key] for row in timed)}
               for key in ("step_s", "generation_s", "reward_s", "other_prepare_s", "update_s", "generation_tok_s",
                           "step_tok_s") if all(row[key] is not None for row in timed)}
    median_step = summary["step_s"]["median"]
    shares = {f"{key.removesuffix('_s')}_share": round(summary[key]["median"] / median_step, 3)
              for key in ("generation_s", "reward_s", "other_prepare_s", "update_s")}
    return {
        "variant": name, "overrides": VARIANTS[name], "reward": reward, "rewards": REWARDS[reward],
        "completions_per_step": completions, "steps": steps, "warmup_steps": warmup, "timed_steps": len(timed),
        "wall_s": round(wall, 1), "summary": summary, "median_shares": shares,
        "gpu_gib": {"allocated_before_run": round(before / 2**30, 2), "peak_allocated": round(peak / 2**30, 2),
                    "peak_reserved": round(reserved / 2**30, 2)},
        "trainable_parameters": choices.get("trainable_parameters"), "total_parameters": choices.get("total_parameters"),
        "stage_metrics": {key: stage[key] for key in ("steps", "reward_time_share", "reward_completions_per_s",
                                                      "completions_verified", "median_tokens_per_s") if key in stage},
        "rows": rows,
    }


# ----------------------------------------------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------------------------------------------


def environment() -> dict[str, Any]:
    env: dict[str, Any] = {"python": platform.python_version(), "torch": torch.__version__, "cuda": torch.version.cuda,
                           "device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu",
                           "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    for dist in ("transformers", "trl", "peft", "accelerate", "datasets", "sigil-evaluator", "sigil"):
        try:
            env[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            env[dist] = "missing"
    if torch.cuda.is_available():
        query = ["nvidia-smi", "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader"]
        env["nvidia_smi"] = subprocess.run(query, capture_output=True, text=True).stdout.strip()
    env["rustc"] = shutil.which("rustc")
    return env


def ensure_train_plugin() -> None:
    """Where sigil-train is importable but not installed (no entry point: the GPU machine, if its editable install
    failed), register its plugin module by hand, as its entry point would."""
    import importlib

    from sigil import STAGES, registry
    from sigil.plugins import load_plugins, register_plugin

    load_plugins()
    if "grpo" not in registry(STAGES):
        register_plugin(importlib.import_module("sigil_train.plugin"), name="train")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiny", action="store_true", help="bench/train's tiny shape (CPU check of this script)")
    parser.add_argument("--reward", choices=sorted(REWARDS), default="syntax")
    parser.add_argument("--variants", default="", help=f"comma-separated, from {', '.join(VARIANTS)}")
    parser.add_argument("--warmup", type=int, default=2, help="optimizer steps left out of the summary")
    parser.add_argument("--timed", type=int, default=5, help="optimizer steps measured after the warm-up")
    parser.add_argument("--budget-s", type=float, default=0.0, help="start no variant after this many seconds")
    parser.add_argument("--out", type=Path, default=None, help="result folder (default $OUT, else bench-out/)")
    args = parser.parse_args()
    start = time.time()
    torch.set_num_threads(1 if not torch.cuda.is_available() else torch.get_num_threads())
    if args.reward == "evaluator" and not shutil.which(os.environ.get("RUSTC", "rustc")):
        raise SystemExit("--reward evaluator needs a Rust toolchain (rustc, clippy-driver) on PATH; none here")
    names = [n for n in args.variants.split(",") if n] or (["tiny"] if args.tiny else
                                                           ["g8x4-len128-ckpt", "g8x4-len128-nockpt"])
    for name in names:
        if name not in VARIANTS:
            raise SystemExit(f"--variants: unknown {name!r}; known: {', '.join(VARIANTS)}")
    out = args.out or Path(os.environ.get("OUT") or ROOT / "bench-out")
    out.mkdir(parents=True, exist_ok=True)
    work = ROOT / ".bench-cache" / "grpo-runs"
    work.mkdir(parents=True, exist_ok=True)

    ensure_train_plugin()
    regions = Regions()
    regions.install()
    if args.reward == "syntax":
        from sigil_train.grpo import trainer

        trainer.EvaluatorReward = syntax_reward_class()  # type: ignore[attr-defined,misc]

    result: dict[str, Any] = {"environment": environment(), "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
                              "variants": []}
    print(json.dumps(result["environment"]), flush=True)
    base, result["model"] = base_model(args.tiny, ROOT / ".bench-cache")
    for name in names:
        if args.budget_s and time.time() - start > args.budget_s:
            result.setdefault("skipped", []).append(f"{name}: budget of {args.budget_s:.0f}s spent")
            continue
        try:
            result["variants"].append(run_variant(name, base, work, args.reward, args.warmup + args.timed,
                                                  args.warmup, args.tiny, regions))
        except Exception as exc:  # keep the variants already measured
            result.setdefault("failed", []).append(f"{name}: {type(exc).__name__}: {exc}")
            print(f"variant {name} failed: {exc!r}", flush=True)
        (out / "gpu_step.json").write_text(json.dumps(result, indent=1) + "\n")
    print("\nvariant | step s | generation s | reward s | other prep s | update s | gen tok/s | peak GiB")
    for v in result["variants"]:
        s = v["summary"]
        print(f"{v['variant']} | {s['step_s']['median']} | {s['generation_s']['median']} | {s['reward_s']['median']} | "
              f"{s['other_prepare_s']['median']} | {s['update_s']['median']} | "
              f"{s.get('generation_tok_s', {}).get('median')} | {v['gpu_gib']['peak_allocated']}")
    if result.get("failed"):
        raise SystemExit("failed: " + "; ".join(result["failed"]))


if __name__ == "__main__":
    main()
