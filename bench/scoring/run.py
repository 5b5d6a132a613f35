"""Scoring cost vs the compile check on the same samples.

Generates samples (generate.py), times `score_batch` (the Rust bench binary in this folder, which
compiles evaluator-rs/src/score directly; and `sigil_evaluator._native.score` from Python when the
wheel is installed), then times `clippy-driver --error-format=json --emit=metadata` run once per
sample, `--jobs` processes at a time. Prints one JSON summary and writes it to `--out` atomically.

    python3 bench/scoring/run.py --samples 600 --jobs 2 --out /tmp/scoring-bench.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent


def build_bench() -> Path:
    """Builds the release bench binary and returns its path."""
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=HERE, check=True)
    return HERE / "target" / "release" / "sigil-scoring-bench"


def time_native(binary: Path, samples: Path, repeats: int, threads: int) -> dict:
    """Runs the Rust bench binary: seconds per whole batch (min, median)."""
    out = subprocess.run([str(binary), str(samples), str(repeats), str(threads)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def time_python(sources: list[str], repeats: int, threads: int) -> dict | None:
    """Times the Python entry point, GIL released inside; None when the wheel is not installed."""
    try:
        from sigil_evaluator import _native  # type: ignore[import-not-found]
    except ImportError:
        return None
    if not hasattr(_native, "score"):
        return None
    _native.score(sources, threads=threads)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        _native.score(sources, threads=threads)
        times.append(time.perf_counter() - start)
    return {"threads": threads, "repeats": repeats, "min_s": min(times), "median_s": statistics.median(times)}


def time_clippy(paths: list[Path], jobs: int) -> dict:
    """One `clippy-driver` process per sample, `jobs` at a time; wall time for all of them."""
    with tempfile.TemporaryDirectory(prefix="sigil-bench-clippy-") as tmp:
        def check(i_path: tuple[int, Path]) -> int:
            i, path = i_path
            out_dir = Path(tmp) / str(i)
            out_dir.mkdir()
            cmd = ["clippy-driver", "--edition=2021", "--error-format=json", "--emit=metadata",
                   "--crate-name", f"sample_{i}", "--out-dir", str(out_dir), str(path)]
            return subprocess.run(cmd, capture_output=True).returncode

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            codes = list(pool.map(check, enumerate(paths)))
        elapsed = time.perf_counter() - start
    return {"jobs": jobs, "wall_s": elapsed, "failed_samples": sum(c != 0 for c in codes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=600)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=2, help="parallel clippy-driver processes and scoring threads")
    parser.add_argument("--repeats", type=int, default=20, help="timed scoring runs (the minimum and median are reported)")
    parser.add_argument("--out", type=Path, help="write the JSON summary here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sigil-bench-samples-") as tmp:
        samples = Path(tmp)
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(samples), "-n", str(args.samples), "--seed", str(args.seed)], check=True)
        paths = sorted(samples.glob("*.rs"))
        sources = [p.read_text(encoding="utf-8") for p in paths]
        native = time_native(build_bench(), samples, args.repeats, args.jobs)
        python = time_python(sources, args.repeats, args.jobs)
        clippy = time_clippy(paths, args.jobs)

    versions = subprocess.run(["clippy-driver", "--version"], capture_output=True, text=True).stdout.strip()
    summary = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
        "clippy": versions,
        "samples": len(paths),
        "lines": native["lines"],
        "score_native": native,
        "score_python": python,
        "clippy_check": clippy,
        "ratio_native": native["median_s"] / clippy["wall_s"],
        "ratio_python": python["median_s"] / clippy["wall_s"] if python else None,
    }
    text = json.dumps(summary, indent=2)
    print(text)
    if args.out:
        tmp_out = args.out.with_suffix(args.out.suffix + ".tmp")
        tmp_out.write_text(text + "\n", encoding="utf-8")
        tmp_out.replace(args.out)


if __name__ == "__main__":
    main()
