"""Benchmark: evaluation on the local backend and on Ray, in one run, and what Ray's overheads predict for a cluster.

    nice -n 15 python bench/ray/bench_ray.py --n 200 --repeats 3 --shard-size 32 --out bench/ray/results.json

Measured on this machine, with a local Ray cluster that this script starts (``eval.ray.address`` unset):
  - cluster start (``ray.init``) and the first shard of a fresh worker (its evaluator being built);
  - per-task latency: sequential round trips of one empty ``sigil_shard`` task, and the driver's dispatch cost
    per shard with many empty shards in flight (``map_shards`` itself: back-pressure, bookkeeping, progress);
  - serialization: bytes and (de)serialization time of a real shard's input (samples) and output (ShardResult),
    with Ray's serializer and through the object store (``ray.put`` + ``ray.get``);
  - local vs ray on the same samples (the evaluator benchmark's corpus, cache off), interleaved per repeat so
    load hits both alike; every ray run is checked to equal the local one sample by sample;
  - the data stage's record-scope filters on the same files: one process, a pool of every core, and Ray
    (``dataset.ray.shard_size``), interleaved; outcomes checked identical.
Then a model of a real cluster from the measured per-sample cost and overheads (see ``model``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "evaluator"))
sys.path.insert(0, str(HERE.parent / "data"))

from bench_filtering import build_corpus  # noqa: E402
from corpus import generate  # noqa: E402

from sigil.config import validate_config  # noqa: E402
from sigil.data.filtering import build_filters, filter_records  # noqa: E402
from sigil.evaluation.config import EvalConfig  # noqa: E402
from sigil.evaluation.evaluate import evaluate, evaluate_shard  # noqa: E402
from sigil.evaluation.samples import Sample  # noqa: E402
from sigil.ray_backend import RayConfig, connect, map_shards, sigil_shard  # noqa: E402

WALL_CLOCK = {"duration_ms", "build_s", "run_s"}


def comparable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items() if key not in WALL_CLOCK}
    if isinstance(value, list):
        return [comparable(item) for item in value]
    if isinstance(value, float) and value != value:
        return "nan"
    return value


def empty(shared: Any, shard: Any) -> int:
    """The cheapest shard: what is left is Ray's and map_shards' own cost."""
    return len(shard)


def spread(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 4), "min": round(min(values), 4),
            "max": round(max(values), 4), "n": len(values)}


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def versions() -> dict[str, str]:
    import ray
    import sigil_evaluator

    def first_line(command: list[str]) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "unknown"

    return {"python": platform.python_version(), "ray": ray.__version__, "sigil_evaluator": sigil_evaluator.__version__,
            "rustc": first_line(["rustc", "--version"]), "kernel": platform.release(), "nproc": str(os.cpu_count())}


# --- overheads


def task_latency(ray: Any, rounds: int) -> dict[str, Any]:
    """Sequential round trips of one empty task (submit, run on a warm worker, result back)."""
    task = ray.remote(max_retries=0)(sigil_shard)
    ray.get(task.remote(empty, None, []))  # warm: the function is exported to the workers once
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        ray.get(task.remote(empty, None, []))
        times.append(time.perf_counter() - start)
    return spread(times)


def dispatch_cost(shards: int, config: RayConfig) -> dict[str, Any]:
    """Wall time per shard of map_shards over many empty shards: the driver's own rate limit."""
    start = time.perf_counter()
    results, _ = map_shards(empty, None, [[0]] * shards, config, "bench", "empty shards")
    wall = time.perf_counter() - start
    assert results == [1] * shards
    return {"shards": shards, "wall_s": round(wall, 3), "per_shard_ms": round(1000 * wall / shards, 3)}


def serialization(ray: Any, shard: list[Sample], result: Any, rounds: int) -> dict[str, Any]:
    """Bytes and seconds to move one shard's input and output: Ray's serializer, and through the object store."""
    from ray import cloudpickle

    out: dict[str, Any] = {"shard_samples": len(shard)}
    for name, value in (("input", shard), ("output", result)):
        blob = cloudpickle.dumps(value)
        pickle_times, store_times = [], []
        for _ in range(rounds):
            start = time.perf_counter()
            cloudpickle.loads(cloudpickle.dumps(value))
            pickle_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            ray.get(ray.put(value))
            store_times.append(time.perf_counter() - start)
        out[name] = {"bytes": len(blob), "bytes_per_sample": round(len(blob) / len(shard)),
                     "pickle_roundtrip_ms": spread([1000 * t for t in pickle_times]),
                     "object_store_roundtrip_ms": spread([1000 * t for t in store_times])}
    return out


# --- filtering


def filtering(files: int, repeats: int) -> dict[str, Any]:
    """Record-scope filters over the same files: 1 process, a pool of every core, Ray with the default shards."""
    from sigil.data.config import DataRayConfig

    records, _ = build_corpus(files, 60)
    record_scope = [f for f in build_filters(validate_config({}, "bench_ray")) if f.filter.scope == "record"]
    cores = os.cpu_count() or 1
    ways: dict[str, Any] = {"1 process": (1, None), f"{cores} processes": (cores, None), "ray": (1, DataRayConfig())}
    seconds: dict[str, list[float]] = {name: [] for name in ways}
    reference = None
    for _ in range(repeats):
        for name, (workers, ray_config) in ways.items():
            start = time.perf_counter()
            outcome = filter_records(record_scope, records, workers, progress=False, ray=ray_config)
            seconds[name].append(time.perf_counter() - start)
            reference = reference or outcome
            if outcome != reference:
                raise SystemExit(f"filtering with {name} differs from the first run")
    return {"files": len(records), "megabytes": round(sum(len(r.content) for r in records) / 1e6, 1),
            "shard_size": DataRayConfig().shard_size, "identical": True,
            "seconds": {name: spread(values) for name, values in seconds.items()},
            "files_per_s": {name: spread([len(records) / v for v in values]) for name, values in seconds.items()}}


# --- the model


def model(per_sample_cpu_s: float, latency_s: float, dispatch_s: float, serial_s_per_sample: float,
          start_s: float, warmup_s: float, shard: int, n: int, local_cores: int) -> list[dict[str, Any]]:
    """Expected wall time of ``n`` samples on W worker CPUs (one shard per CPU at a time), shards of ``shard``:

        T(W) = start + warmup + max(driver, workers)    (warmup: a fresh worker's process and evaluator)
        driver  = ceil(n / shard) * dispatch                    (the driver hands out and collects every shard)
        workers = ceil(n / (shard * W)) * (shard * (c + s) + L) (waves of W shards; c per-sample CPU cost,
                                                                s serialization per sample, L task latency)

    against one machine of ``local_cores`` cores: n * c / local_cores. Ignores the network (serialization was
    measured through a local object store), stragglers beyond whole waves, and cache hits."""
    rows = []
    for workers in (local_cores, 16, 64, 256, 1024, 4096):
        shards = -(-n // shard)
        driver = shards * dispatch_s
        waves = -(-shards // workers)
        per_shard = shard * (per_sample_cpu_s + serial_s_per_sample) + latency_s
        total = start_s + warmup_s + max(driver, waves * per_shard)
        local = n * per_sample_cpu_s / local_cores
        rows.append({"worker_cpus": workers, "expected_s": round(total, 1), "driver_bound": driver > waves * per_shard,
                     "speedup_vs_one_machine": round(local / total, 1),
                     "efficiency_per_cpu": round(local * local_cores / (total * workers), 3)})
    return rows


def model_of(record: dict[str, Any], model_n: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The model's inputs from the measurements: per-sample CPU cost from the local runs (which use every core),
    serialization as the object-store round trips of a shard's input and output, a fresh worker's warm-up as its
    first shard minus that shard's compute."""
    cores = int(record["versions"]["nproc"])
    n, shard = int(record["args"]["n"]), int(record["args"]["shard_size"])
    per_sample = record["wall_s"]["local"]["median"] * cores / n
    ser = record["serialization"]
    serial_per_sample = (ser["input"]["object_store_roundtrip_ms"]["median"]
                         + ser["output"]["object_store_roundtrip_ms"]["median"]) / 1000 / shard
    inputs = {"per_sample_cpu_s": round(per_sample, 4), "task_latency_s": record["task_latency_ms"]["median"] / 1000,
              "dispatch_s_per_shard": record["dispatch"]["per_shard_ms"] / 1000,
              "serialization_s_per_sample": round(serial_per_sample, 6), "start_s": record["cluster_start_s"],
              "warmup_s": round(max(0.0, record["first_shard_s"] - shard * per_sample), 2), "shard_size": shard,
              "model_n": model_n, "local_cores": cores}
    return inputs, model(inputs["per_sample_cpu_s"], inputs["task_latency_s"], inputs["dispatch_s_per_shard"],
                         inputs["serialization_s_per_sample"], inputs["start_s"], inputs["warmup_s"], shard, model_n,
                         cores)


# --- the run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--shard-size", type=int, default=32)
    parser.add_argument("--latency-rounds", type=int, default=50)
    parser.add_argument("--empty-shards", type=int, default=500)
    parser.add_argument("--filter-files", type=int, default=20_000, help="files for the filtering part (0: skip)")
    parser.add_argument("--model-n", type=int, default=100_000, help="samples in the modelled cluster run")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--model-only", action="store_true", help="recompute the model from --out's measurements")
    parser.add_argument("--per-sample-cpu-s", type=float, help="with --model-only: also model this per-sample cost")
    args = parser.parse_args(argv)
    if args.model_only:
        record = json.loads(args.out.read_text())
        record["model_inputs"], record["model"] = model_of(record, args.model_n)
        if args.per_sample_cpu_s:  # the same overheads with a per-sample cost measured elsewhere
            inputs = {**record["model_inputs"], "per_sample_cpu_s": args.per_sample_cpu_s}
            record["model_other_c"] = {"inputs": inputs, "model": model(
                inputs["per_sample_cpu_s"], inputs["task_latency_s"], inputs["dispatch_s_per_shard"],
                inputs["serialization_s_per_sample"], inputs["start_s"], inputs["warmup_s"], inputs["shard_size"],
                inputs["model_n"], inputs["local_cores"])}
        args.out.write_text(json.dumps(record, indent=2) + "\n")
        print(json.dumps(record["model_inputs"]), *record["model"], json.dumps(record.get("model_other_c")), sep="\n")
        return 0

    record: dict[str, Any] = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                              "command": " ".join([Path(sys.executable).name, *sys.argv]),
                              "load_before": load(), "args": {k: str(v) for k, v in vars(args).items()}}
    samples = [Sample(f"s{i}", "", s.source, f"s{i}") for i, s in enumerate(generate(args.n, seed=0))]
    local_config = EvalConfig(cache_dir=None)
    ray_settings = RayConfig(shard_size=args.shard_size)
    ray_config = local_config.model_copy(update={"backend": "ray", "ray": ray_settings})

    # --- cluster start, and overheads on warm workers
    start = time.perf_counter()
    ray = connect(ray_settings, "bench")
    record["cluster_start_s"] = round(time.perf_counter() - start, 2)
    record["cluster_cpus"] = int(ray.cluster_resources().get("CPU", 0))
    record["versions"] = versions()
    start = time.perf_counter()
    evaluate(samples[: args.shard_size], ray_config, seed=0)  # one shard: a fresh worker builds its evaluator
    record["first_shard_s"] = round(time.perf_counter() - start, 2)
    record["task_latency_ms"] = {k: (v * 1000 if k != "n" else v)
                                 for k, v in task_latency(ray, args.latency_rounds).items()}
    # many in flight: the driver's own limit, not the two local workers'
    record["dispatch"] = dispatch_cost(args.empty_shards, ray_settings.model_copy(update={"max_in_flight": 256}))
    shard = samples[: args.shard_size]
    result = evaluate_shard(shard, local_config)
    record["serialization"] = serialization(ray, shard, result, rounds=20)

    # --- local vs ray, interleaved
    runs: dict[str, list[float]] = {"local": [], "ray": []}
    for repeat in range(args.repeats):
        start = time.perf_counter()
        local = evaluate(samples, local_config, seed=0)
        runs["local"].append(time.perf_counter() - start)
        start = time.perf_counter()
        distributed = evaluate(samples, ray_config, seed=0)
        runs["ray"].append(time.perf_counter() - start)
        same = comparable(local.samples) == comparable(distributed.samples)
        print(f"repeat {repeat}: local {runs['local'][-1]:.1f}s, ray {runs['ray'][-1]:.1f}s, identical {same}, "
              f"load {load()}", flush=True)
        if not same:
            raise SystemExit("ray results differ from local: see tests/test_ray_backend.py")
    record["compile_rate"] = local.metrics["compile_rate"]
    if args.filter_files:
        record["filtering"] = filtering(args.filter_files, args.repeats)
    record["wall_s"] = {name: spread(values) for name, values in runs.items()}
    record["samples_per_s"] = {name: spread([args.n / v for v in values]) for name, values in runs.items()}

    record["model_inputs"], record["model"] = model_of(record, args.model_n)
    record["load_after"] = load()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
