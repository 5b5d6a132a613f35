"""Benchmark: sigil's evaluator against the plain ways of checking Rust samples, in one run.

    python bench/evaluator/bench_evaluator.py --n 600 --naive-subset 60 --out bench/evaluator/results.json

Modes, each run in a fresh subprocess so peak-memory figures are its own:
  (a) naive   - a cargo project per sample, `cargo check` then `cargo clippy`, multiprocessing
                over all cores (the reference system's way). Slow: measured on a subset.
  (b) direct  - one `clippy-driver` process per sample, a thread per core (best simple approach).
  (c) sigil   - `Evaluator(sandbox="bwrap")`, batched, no cache.
  (c0) sigil-nosandbox - the same without isolation, to price the sandbox.
  (c1/c1-0) batch size 1 with and without bwrap: the sandbox's cost per compiler process.
  (d) cached  - `Evaluator` answering every sample from a warm on-disk cache.
  (c-build) sigil with `verdict="build"`: what a `cargo build` verdict costs per sample.
  (c-old) the evaluator before the batch-independence rule (issue 10), from a wheel built at the commit
          before it (`--old-python`: a Python whose sigil_evaluator is that wheel): what the safe rule costs.
Also compares (b) and (c) verdicts sample by sample over the whole corpus (``reference.mismatch``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import reference  # noqa: E402

# --- (a) naive: a cargo project per sample ------------------------------------------------------


def _naive_one(source: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="sigil-naive-") as d:
        proj = Path(d)
        (proj / "src").mkdir()
        kind = reference.crate_type(source)
        (proj / "Cargo.toml").write_text(
            '[package]\nname = "sample"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
        )
        (proj / "src" / ("main.rs" if kind == "bin" else "lib.rs")).write_text(source)
        env = {**os.environ, "CARGO_TARGET_DIR": str(proj / "target")}
        check = subprocess.run(["cargo", "check", "--offline", "--message-format=json", "-q"], cwd=proj, env=env, capture_output=True, text=True)
        clippy = subprocess.run(["cargo", "clippy", "--offline", "--message-format=json", "-q"], cwd=proj, env=env, capture_output=True, text=True)
    return {"check_ok": check.returncode == 0, "clippy_ok": clippy.returncode == 0}


def run_naive(sources: list[str], jobs: int) -> list[dict[str, Any]]:
    with multiprocessing.Pool(jobs) as pool:
        return pool.map(_naive_one, sources, chunksize=1)


# --- (b) one clippy-driver per sample -----------------------------------------------------------


def direct_runner(jobs: int) -> Callable[[list[str]], list[dict[str, Any]]]:
    driver = reference.clippy_driver()

    def run(sources: list[str]) -> list[dict[str, Any]]:
        with ThreadPoolExecutor(jobs) as pool:
            return list(pool.map(lambda s: reference.check_single(s, driver, rustc_verdict="never"), sources))

    return run


# --- (c, d) sigil -------------------------------------------------------------------------------


STATS: dict[str, Any] = {}


def sigil_runner(jobs: int, sandbox: str, batch_size: int, cache_dir: str | None, **kwargs: Any) -> Callable[[list[str]], list[dict[str, Any]]]:
    from sigil_evaluator import Evaluator

    ev = Evaluator(sandbox=sandbox, jobs=jobs, batch_size=batch_size, cache_dir=cache_dir, **kwargs)

    def run(sources: list[str]) -> list[dict[str, Any]]:
        results = [dict(r) for r in ev.check(sources)]
        if hasattr(ev, "stats"):
            STATS.update(ev.stats())
        return results

    return run


# --- one mode in a child process ----------------------------------------------------------------


def child(mode: str, n: int, seed: int, subset: int, jobs: int, cache_dir: str | None, dump: str | None) -> None:
    samples = corpus.generate(n, seed)
    sources = [s.source for s in samples]
    if mode == "naive":
        sources = [s.source for s in samples[:: max(1, len(samples) // subset)]][:subset]
    if mode in ("sigil-b1", "sigil-b1-nosandbox"):
        sources = sources[:subset]
    if mode.endswith("-compiling"):
        # Only the samples built to compile: what batching gains when no batch has errors.
        sources = [s.source for s in samples if s.category in ("clean", "dirty", "lib")]
        mode = mode.removesuffix("-compiling")
    # Set-up (finding the toolchain, probing the sandbox) is per run, not per sample: untimed.
    runners: dict[str, Callable[[], Callable[[list[str]], list[dict[str, Any]]]]] = {
        "naive": lambda: (lambda src: run_naive(src, jobs)),
        "direct": lambda: direct_runner(jobs),
        "sigil": lambda: sigil_runner(jobs, "bwrap", 32, None),
        "sigil-nosandbox": lambda: sigil_runner(jobs, "none", 32, None),
        "sigil-b1": lambda: sigil_runner(jobs, "bwrap", 1, None),
        "sigil-b1-nosandbox": lambda: sigil_runner(jobs, "none", 1, None),
        "sigil-build": lambda: sigil_runner(jobs, "bwrap", 32, None, verdict="build"),
        "sigil-old": lambda: sigil_runner(jobs, "bwrap", 32, None),
        "cached": lambda: sigil_runner(jobs, "bwrap", 32, cache_dir),
    }
    if mode not in runners:
        raise SystemExit(f"unknown mode {mode}")
    run = runners[mode]()
    if mode == "cached":
        run(sources)  # warm the cache (untimed)

    def cpu() -> float:
        c, me = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
        return c.ru_utime + c.ru_stime + me.ru_utime + me.ru_stime

    cpu0 = cpu()
    start = time.perf_counter()
    results = run(sources)
    if mode == "cached":
        assert all(r["cached"] for r in results), "cache run had misses"
    elapsed = time.perf_counter() - start
    cpu_s = cpu() - cpu0
    if dump:
        Path(dump).write_text(json.dumps(results))
    out = {
        "mode": mode,
        "samples": len(sources),
        "seconds": elapsed,
        "samples_per_s": len(sources) / elapsed,
        # CPU of this process and its waited-for descendants. Under bwrap the compiler runs in a
        # pid namespace whose usage is not passed up, so only unsandboxed modes count it all.
        "cpu_ms_per_sample": cpu_s * 1000 / len(sources),
        "peak_rss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_rss_child_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "compiler_runs": dict(STATS),
    }
    print(json.dumps(out))


def measure(mode: str, args: argparse.Namespace, cache_dir: str | None = None, dump: str | None = None) -> dict[str, Any]:
    python = args.old_python if mode == "sigil-old" else sys.executable
    cmd = [python, __file__, "--child", mode, "--n", str(args.n), "--seed", str(args.seed), "--naive-subset", str(args.naive_subset), "--jobs", str(args.jobs)]
    if cache_dir:
        cmd += ["--cache-dir", cache_dir]
    if dump:
        cmd += ["--dump", dump]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"mode {mode} failed:\n{proc.stderr[-3000:]}")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"  {mode:20s} {res['samples']:4d} samples {res['seconds']:8.2f}s {res['samples_per_s']:9.1f}/s  cpu {res['cpu_ms_per_sample']:6.1f} ms/sample  "
          f"peak rss self {res['peak_rss_self_mb']:.0f} MB, largest child {res['peak_rss_child_mb']:.0f} MB", file=sys.stderr)
    return res


def best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return max(runs, key=lambda r: r["samples_per_s"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=600)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--naive-subset", type=int, default=60)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--repeats", type=int, default=3, help="interleaved runs of (a), (b), (c), (c0), compiling-only and (d); the best of each is reported, and same-repeat ratios")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--old-python", help="a Python whose sigil_evaluator is the wheel before the batch-independence rule (mode c-old)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--cache-dir", help=argparse.SUPPRESS)
    ap.add_argument("--dump", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.n, args.seed, args.naive_subset, args.jobs, args.cache_dir, args.dump)
        return 0

    from sigil_evaluator import __version__, toolchain_info

    load_before = os.getloadavg()
    print(f"corpus: {args.n} samples (seed {args.seed}); jobs {args.jobs}; load {load_before}", file=sys.stderr)
    runs: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="sigil-bench-") as tmp:
        for i in range(args.repeats):
            # Interleaved so that load from other work on the machine hits each mode alike.
            runs.setdefault("naive", []).append(measure("naive", args))
            runs.setdefault("direct", []).append(measure("direct", args, dump=f"{tmp}/direct.json" if i == 0 else None))
            runs.setdefault("sigil", []).append(measure("sigil", args, dump=f"{tmp}/sigil.json" if i == 0 else None))
            runs.setdefault("sigil-nosandbox", []).append(measure("sigil-nosandbox", args))
            runs.setdefault("sigil-build", []).append(measure("sigil-build", args))
            if args.old_python:
                runs.setdefault("sigil-old", []).append(measure("sigil-old", args))
        for _ in range(args.repeats):
            runs.setdefault("direct-compiling", []).append(measure("direct-compiling", args))
            runs.setdefault("sigil-compiling", []).append(measure("sigil-compiling", args))
        runs["sigil-b1"] = [measure("sigil-b1", args)]
        runs["sigil-b1-nosandbox"] = [measure("sigil-b1-nosandbox", args)]
        cache_dir = f"{tmp}/cache"
        runs["cached"] = [measure("cached", args, cache_dir=cache_dir) for _ in range(args.repeats)]
        direct = json.loads(Path(f"{tmp}/direct.json").read_text())
        sigil = json.loads(Path(f"{tmp}/sigil.json").read_text())
    mismatches = [i for i, (d, s) in enumerate(zip(direct, sigil)) if reference.mismatch(s, d)]
    b = {k: best(v) for k, v in runs.items()}
    n_sigil = b["sigil"]["samples"]
    summary = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": {"cpus": os.cpu_count(), "jobs": args.jobs, "platform": platform.platform(), "python": platform.python_version(),
                    "load_before": load_before, "load_after": os.getloadavg()},
        "toolchain": toolchain_info(),
        "sigil_evaluator": __version__,
        "bwrap": subprocess.run(["bwrap", "--version"], capture_output=True, text=True).stdout.strip() if shutil.which("bwrap") else None,
        "runs": runs,
        "best": b,
        "ratios": {
            "sigil_vs_naive": b["sigil"]["samples_per_s"] / b["naive"]["samples_per_s"],
            "sigil_vs_direct": b["sigil"]["samples_per_s"] / b["direct"]["samples_per_s"],
            "cached_samples_per_s": b["cached"]["samples_per_s"],
            "sigil_vs_direct_compiling_only": b["sigil-compiling"]["samples_per_s"] / b["direct-compiling"]["samples_per_s"],
            # Same-repeat pairs, which load from other work on the machine affects alike.
            "sigil_vs_direct_per_repeat": [s["samples_per_s"] / d["samples_per_s"] for d, s in zip(runs["direct"], runs["sigil"])],
            "sigil_vs_naive_per_repeat": [s["samples_per_s"] / a["samples_per_s"] for a, s in zip(runs["naive"], runs["sigil"])],
            "cpu_naive_vs_sigil_nosandbox": min(r["cpu_ms_per_sample"] for r in runs["naive"]) / min(r["cpu_ms_per_sample"] for r in runs["sigil-nosandbox"]),
            "cpu_direct_vs_sigil_nosandbox": min(r["cpu_ms_per_sample"] for r in runs["direct"]) / min(r["cpu_ms_per_sample"] for r in runs["sigil-nosandbox"]),
        },
        "build_vs_check_seconds_per_sample_ms": (b["sigil-build"]["seconds"] - b["sigil"]["seconds"]) * 1000 / n_sigil,
        "build_vs_check_ratio": b["sigil-build"]["seconds"] / b["sigil"]["seconds"],
        "safe_rule_cost": (
            {"old_vs_new_seconds": b["sigil-old"]["seconds"] / b["sigil"]["seconds"],
             "per_repeat": [o["seconds"] / n["seconds"] for o, n in zip(runs["sigil-old"], runs["sigil"])]}
            if "sigil-old" in b else None
        ),
        "sandbox_overhead_ms_per_sample_batched": (b["sigil"]["seconds"] - b["sigil-nosandbox"]["seconds"]) * 1000 / n_sigil,
        "sandbox_overhead_ms_per_process": (b["sigil-b1"]["seconds"] - b["sigil-b1-nosandbox"]["seconds"]) * 1000 / b["sigil-b1"]["samples"],
        "equivalence": {"samples": len(direct), "mismatches": len(mismatches), "mismatched_indices": mismatches[:20]},
        "corpus_status": {s: sum(r["status"] == s for r in sigil) for s in ("ok", "error", "timeout", "rejected")},
    }
    text = json.dumps(summary, indent=2)
    if args.out:
        tmp_out = args.out.with_suffix(".tmp")
        tmp_out.write_text(text + "\n")
        tmp_out.replace(args.out)
    r = summary["ratios"]
    print(f"\nsigil vs naive: {r['sigil_vs_naive']:.1f}x (per repeat {', '.join(f'{x:.1f}' for x in r['sigil_vs_naive_per_repeat'])}; "
          f"cpu {r['cpu_naive_vs_sigil_nosandbox']:.1f}x)   sigil vs direct: {r['sigil_vs_direct']:.2f}x "
          f"(per repeat {', '.join(f'{x:.2f}' for x in r['sigil_vs_direct_per_repeat'])}; compiling only {r['sigil_vs_direct_compiling_only']:.2f}x; "
          f"cpu {r['cpu_direct_vs_sigil_nosandbox']:.2f}x)   "
          f"cache hits: {r['cached_samples_per_s']:.0f}/s   equivalence mismatches: {len(mismatches)}/{len(direct)}\n"
          f"build verdict: {summary['build_vs_check_ratio']:.2f}x the check time (+{summary['build_vs_check_seconds_per_sample_ms']:.1f} ms/sample)   "
          f"safe rule cost: {summary['safe_rule_cost']}\n"
          f"sandbox overhead: {summary['sandbox_overhead_ms_per_sample_batched']:.2f} ms/sample batched, "
          f"{summary['sandbox_overhead_ms_per_process']:.2f} ms per compiler process", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
