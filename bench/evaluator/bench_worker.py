"""Benchmark: evaluating in a process that holds a model, in that process vs in the evaluation worker, in one run.

    python bench/evaluator/bench_worker.py --problems 100 --resident-mb 0,2000 --repeats 2

Why: every compiler and sandbox run starts with fork(), whose cost grows with the forking process's memory; a
process with torch imported (and a model loaded) is large, the evaluation worker (`sigil.evaluation.worker`)
is not. The samples: the first --problems generated training tasks (`rust-tasks-train`) with three bodies each
(reference: passes; the family's flawed body: fails to build or fails its tests; a panic), compiled, linted and
tested as RSFT verifies a round. torch is imported in every variant; --resident-mb adds that much touched memory
(a stand-in for model weights kept in host memory). Each measurement uses a fresh, empty result cache, so
nothing is answered from a cache. The worker is started (and its imports done) before the timed runs: its
start-up is reported on its own. Variants alternate within each repeat (here, worker, here, worker, ...).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import torch

from sigil.evaluation import worker
from sigil.evaluation.config import EvalConfig
from sigil.evaluation.evaluate import evaluate
from sigil.evaluation.samples import Sample
from sigil.tasks.builtin import train_suite


def task_samples(count: int) -> list[Sample]:
    samples = []
    for problem in train_suite().problems[:count]:
        for index, body in enumerate([problem.reference, problem.extra["flawed"], '    panic!("no")\n']):
            samples.append(Sample(f"{problem.name}/{index}", problem.prompt, body, problem.name, index, body, problem))
    return samples


def resident_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 2**20


def timed(samples: list[Sample], in_worker: bool) -> tuple[float, list[str]]:
    with tempfile.TemporaryDirectory() as cache:
        config = EvalConfig(functional={"run_timeout": 5.0}, cache_dir=cache)
        clock = time.monotonic()
        report = evaluate(samples, config, seed=0, run_tests=True, in_worker=in_worker)
        seconds = time.monotonic() - clock
    return seconds, [detail["tests"]["status"] for detail in report.samples]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=100)
    parser.add_argument("--resident-mb", default="0,2000", help="extra touched memory per variant, comma-separated")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("worker-results.json"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    samples = task_samples(args.problems)

    clock = time.monotonic()
    timed(samples[:3], in_worker=True)  # start the worker: imports, toolchain discovery
    startup = time.monotonic() - clock

    rows = []
    for extra in [int(value) for value in args.resident_mb.split(",")]:
        ballast = torch.ones(extra * 2**20 // 4) if extra else None  # touched: resident, as loaded weights are
        here_s, worker_s = [], []
        for _ in range(args.repeats):
            seconds, here_status = timed(samples, in_worker=False)
            here_s.append(seconds)
            seconds, worker_status = timed(samples, in_worker=True)
            worker_s.append(seconds)
            if here_status != worker_status:  # per sample, not only the counts
                raise SystemExit(f"verdicts differ between this process and the worker at {extra} MB")
        row = {
            "extra_mb": extra,
            "resident_mb": round(resident_mb()),
            "here_s": [round(s, 2) for s in here_s],
            "worker_s": [round(s, 2) for s in worker_s],
            "ratio_median": round(statistics.median(here_s) / statistics.median(worker_s), 2),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
        del ballast
    result = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": platform.machine(),
        "cpus": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "samples": len(samples),
        "worker_startup_s": round(startup, 2),
        "worker_pid_differs": worker._WORKER is not None,
        "rows": rows,
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "rows"}))


if __name__ == "__main__":
    main()
