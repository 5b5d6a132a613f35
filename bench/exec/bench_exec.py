"""Samples/s for build + run: sigil's sandboxed executor vs one ``rustc`` + run per sample (MultiPL-E's way).

Corpus: every problem of the built-in suite with its reference (passes) and its broken variant (fails), repeated
``--repeat`` times with a distinct comment so each program is its own source. All arms run in one process, one
after another, on the same corpus, with the same number of parallel workers:

- ``multiple``: one ``rustc`` then one run per sample, no sandbox, ``--jobs`` samples at a time (the baseline);
- ``sigil``: sigil's executor, bubblewrap jail per build and per run, batched builds;
- ``sigil-unbatched``: the same with one build per sample;
- ``sigil-nosandbox-unbatched``: the same without bubblewrap (with the unbatched arm: the sandbox's cost).

Usage: python bench/exec/bench_exec.py [--jobs 2] [--repeat 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from plain_runner import run_plain  # this directory: the baseline lives with the benchmark that uses it

from sigil.functional.builtin_suites import SUITES_DIR
from sigil.functional.execution import ExecOptions, run_completions
from sigil.functional.problems import Problem, assemble, load_suite


def corpus(repeat: int) -> list[tuple[Problem, str]]:
    suite = load_suite(SUITES_DIR / "sigil_basic.jsonl")
    pairs = []
    for r in range(repeat):
        for p in suite.problems:
            for completion in (p.reference or "", p.broken_completion()):
                pairs.append((p, f"    // copy {r}\n{completion}"))
    return pairs


def run_baseline(pairs: list[tuple[Problem, str]], jobs: int) -> list[str]:
    def one(pair: tuple[Problem, str]) -> str:
        problem, completion = pair
        return run_plain(assemble(problem, completion), problem.test_kind, problem.cases).status

    with ThreadPoolExecutor(jobs) as pool:
        return list(pool.map(one, pairs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    pairs = corpus(args.repeat)
    n = len(pairs)
    arms = {
        "multiple": lambda: run_baseline(pairs, args.jobs),
        "sigil": lambda: [r.status for r in run_completions(pairs, ExecOptions(jobs=args.jobs)).results],
        "sigil-unbatched": lambda: [r.status for r in run_completions(pairs, ExecOptions(jobs=args.jobs, batch_size=1)).results],
        "sigil-nosandbox-unbatched": lambda: [
            r.status for r in run_completions(pairs, ExecOptions(jobs=args.jobs, batch_size=1, sandbox="none")).results
        ],
    }
    timings: dict[str, float] = {}
    verdicts: dict[str, list[str]] = {}
    for name, arm in arms.items():
        start = time.perf_counter()
        verdicts[name] = arm()
        timings[name] = time.perf_counter() - start
    reference = verdicts["multiple"]
    for name, got in verdicts.items():
        disagree = sum(a != b for a, b in zip(reference, got))
        if disagree:
            raise SystemExit(f"{name}: {disagree} verdicts differ from the baseline's")
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    bwrap = subprocess.run(["bwrap", "--version"], capture_output=True, text=True).stdout.strip()
    report = {
        "samples": n,
        "jobs": args.jobs,
        "seconds": {k: round(v, 2) for k, v in timings.items()},
        "samples_per_s": {k: round(n / v, 1) for k, v in timings.items()},
        "speedup_vs_multiple": {k: round(timings["multiple"] / v, 2) for k, v in timings.items()},
        # Worker-seconds per sample the jail adds: (wall difference × workers) / samples.
        "sandbox_overhead_ms_per_sample": round(
            (timings["sigil-unbatched"] - timings["sigil-nosandbox-unbatched"]) * args.jobs / n * 1000, 1
        ),
        "verdicts_agree": True,
        "machine": f"{platform.machine()}, {platform.processor() or '?'}, Linux {platform.release()}",
        "versions": f"{rustc}; {bwrap}; Python {platform.python_version()}",
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
