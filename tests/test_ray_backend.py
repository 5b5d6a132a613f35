"""The Ray backend on a real cluster: `ray start --head` on this machine with 2 CPUs (two worker processes), joined
by address, torn down after. Results must equal the local backend's, sample by sample and record by record, also
when a worker is killed mid-run; a bad address is one error line before any work."""

from __future__ import annotations

import itertools
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import ray

from sigil.cli import main
from sigil.evaluation.config import EvalConfig
from sigil.evaluation.evaluate import evaluate
from sigil.evaluation.samples import Sample, read_samples
from sigil.functional import resolve_suite

pytestmark = pytest.mark.slow

CLIPPY_DIRTY = 'fn main() {\n    let v = vec![1, 2, 3];\n    for i in 0..v.len() {\n        println!("{}", v[i]);\n    }\n}\n'
TYPE_ERROR = 'fn main() {\n    let x: i32 = "s";\n    println!("{}", x);\n}\n'
GOOD = '/// Adds.\nfn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n\nfn main() {\n    println!("{}", add(1, 2));\n}\n'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A Ray head with 2 CPUs in its own process group (ended by SIGTERM to it, then SIGKILL to the group)."""
    port = free_port()
    temp_dir = Path(f"/tmp/ray-sigil-test-{os.getpid()}")  # short: Ray's unix socket paths must fit 107 bytes
    log = (tmp_path_factory.mktemp("ray") / "head.log").open("w")
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}
    head = subprocess.Popen(
        [str(Path(sys.executable).with_name("ray")), "start", "--head", "--block", "--port", str(port),
         "--num-cpus", "2", "--include-dashboard", "false", "--disable-usage-stats", "--temp-dir", str(temp_dir)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert head.poll() is None and time.monotonic() < deadline, "ray start --head did not come up"
                time.sleep(0.2)
        yield address
    finally:
        ray.shutdown()
        head.send_signal(signal.SIGTERM)
        try:
            head.wait(60)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(head.pid, signal.SIGKILL)  # whatever of the group outlived the head
        except ProcessLookupError:
            pass
        log.close()
        shutil.rmtree(temp_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> list[Sample]:
    """Compiling, compile errors, clippy warnings, pre-filtered, and problem samples whose tests pass or fail."""
    tmp_path = tmp_path_factory.mktemp("samples")
    rows = []
    for problem in resolve_suite("sigil-basic").problems[:3]:
        for index, completion in enumerate([problem.reference, problem.broken_completion()]):
            rows.append({"problem": problem.name, "prompt": problem.prompt, "completion": completion, "sample": index})
    path = tmp_path / "bound.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    bound = read_samples(path, suite=resolve_suite("sigil-basic"), bind_problems=True)
    loose = [Sample(f"loose{i}", "p", gen, f"loose{i}", 0)
             for i, gen in enumerate([GOOD, TYPE_ERROR, CLIPPY_DIRTY, "fn main(){}", f"```rust\n{GOOD}```"])]
    return [sample for pair in itertools.zip_longest(bound, loose) for sample in pair if sample is not None]


#: The fields that are wall-clock times: a check's, a test build's and run's (per sample and summed).
WALL_CLOCK = {"duration_ms", "build_s", "run_s"}


def comparable(value):
    """A sample's details without wall-clock figures (the only thing allowed to differ between runs)."""
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items() if key not in WALL_CLOCK}
    if isinstance(value, list):
        return [comparable(item) for item in value]
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    return value


def differences(left, right, path="") -> list[str]:
    """Where two JSON-like values differ (for a readable failure)."""
    if isinstance(left, dict) and isinstance(right, dict):
        return [d for key in sorted(set(left) | set(right), key=str)
                for d in differences(left.get(key), right.get(key), f"{path}.{key}")]
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        return [d for i, (a, b) in enumerate(zip(left, right)) for d in differences(a, b, f"{path}[{i}]")]
    return [] if left == right else [f"{path}: {left!r} != {right!r}"[:300]]


def ray_config(address: str, **ray_keys) -> EvalConfig:
    return EvalConfig(cache_dir=None, backend="ray", ray={"address": address, **ray_keys})


def test_a_bad_address_is_one_error_line_before_any_work(tmp_path, capsys):
    samples = tmp_path / "samples.jsonl"
    samples.write_text("not json: the file must never be read\n")
    out = tmp_path / "out"
    port = free_port()  # nothing listens there
    code = main(["eval", str(samples), "--output", str(out), "-o", "eval.backend=ray",
                 "-o", f"eval.ray.address=127.0.0.1:{port}"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0
    assert len(err) == 1 and err[0].startswith(f"error: eval.ray.address: no Ray cluster at 127.0.0.1:{port}"), err
    assert not out.exists()


@pytest.fixture(scope="module")
def local(samples):
    """The local backend's report: what every Ray run must reproduce."""
    return evaluate(samples, EvalConfig(cache_dir=None), seed=3, run_tests=True)


@pytest.mark.parametrize("section", ["dataset", "eval"])
def test_a_pipeline_with_a_bad_address_stops_before_its_first_stage(tmp_path, capsys, section):
    port = free_port()
    raw = {"misc": {"output_dir": str(tmp_path / "run")},
           "stages": [{"name": "data", "type": "data"},
                      {"name": "ev", "type": "evaluate", "options": {"samples": str(tmp_path / "none.jsonl")}}],
           "dataset": {"names": ["builtin:tiny-rust"]}}
    raw.setdefault(section, {}).update(backend="ray", ray={"address": f"127.0.0.1:{port}"})
    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text(json.dumps(raw))  # YAML reads JSON
    assert main(["run", str(pipeline)]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{section}.ray.address: no Ray cluster at 127.0.0.1:{port}" in err[0], err
    assert not (tmp_path / "run" / "stages" / "data").exists()  # the data stage never ran


def test_ray_results_equal_local_sample_by_sample(cluster, samples, local):
    assert len(samples) == 11
    distributed = evaluate(samples, ray_config(cluster, shard_size=3), seed=3, run_tests=True)

    assert [d["id"] for d in distributed.samples] == [s.id for s in samples]  # input order
    assert not differences(comparable(distributed.samples), comparable(local.samples))
    # the batch is mixed: every kind of outcome is in it
    statuses = {d["check"]["status"] for d in local.samples}
    assert {"filtered", "error"} <= statuses and any(d["check"]["compiles"] for d in local.samples)
    assert any(d["check"]["clippy_warnings"] for d in local.samples)
    assert {d["tests"]["status"] for d in local.samples if "tests" in d} == {"passed", "failed"}
    for key in ("compile_rate", "avg_clippy_warnings", "pass_at_k", "error_codes", "total_samples"):
        assert comparable(distributed.metrics[key]) == comparable(local.metrics[key]), key
    assert distributed.metrics["backend"] == "ray" and local.metrics["backend"] == "local"
    # joined the cluster by its address, and both of its worker processes did work
    assert ray.get_runtime_context().gcs_address.endswith(f":{cluster.rsplit(':', 1)[1]}")
    assert distributed.metrics["ray_shards"] == 4 and distributed.metrics["ray_retries"] == 0
    assert distributed.metrics["ray_workers"] == 2


def test_a_killed_worker_costs_a_retry_and_counts_nothing_twice(cluster, samples, local):
    killed: list[int] = []
    stop = threading.Event()

    def kill_one_busy_worker() -> None:
        """SIGKILL the first worker process seen running a shard (its process title is ray::sigil_shard)."""
        while not stop.is_set() and not killed:
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit():
                    try:
                        title = (entry / "cmdline").read_bytes()
                    except OSError:
                        continue
                    if title.startswith(b"ray::sigil_shard"):
                        os.kill(int(entry.name), signal.SIGKILL)
                        killed.append(int(entry.name))
                        return
            time.sleep(0.01)

    killer = threading.Thread(target=kill_one_busy_worker)
    killer.start()
    try:
        distributed = evaluate(samples, ray_config(cluster, shard_size=2, retries=2), seed=3, run_tests=True)
    finally:
        stop.set()
        killer.join()
    assert killed, "no worker was seen running a shard"
    assert distributed.metrics["ray_retries"] >= 1
    assert [d["id"] for d in distributed.samples] == [s.id for s in samples]  # each sample once, in order
    assert not differences(comparable(distributed.samples), comparable(local.samples))
    assert distributed.metrics["total_samples"] == len(samples)


def hold(shared: float, shard: list[int]) -> tuple[float, float]:
    """A shard that takes ``shared`` seconds: when it ran."""
    start = time.time()
    time.sleep(shared)
    return start, time.time()


def test_back_pressure_runs_no_more_than_max_in_flight_shards(cluster):
    from ray import cloudpickle

    from sigil.ray_backend import RayConfig, map_shards

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module
    try:
        spans, run = map_shards(hold, 0.3, [[i] for i in range(4)], RayConfig(address=cluster, max_in_flight=1),
                                "test", "holding")
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert run.shards == 4 and run.retries == 0
    ordered = sorted(spans)
    # two free CPUs, one shard at a time: each started after the previous ended
    assert all(earlier[1] <= later[0] for earlier, later in zip(ordered, ordered[1:])), ordered


def test_one_process_joins_one_cluster(cluster):
    from sigil.errors import ConfigError
    from sigil.ray_backend import RayConfig, connect

    connect(RayConfig(address=cluster), "eval.ray")
    with pytest.raises(ConfigError, match=rf"dataset.ray.address: this process already joined {cluster} and joins "
                                          r"one cluster only \(asked for a local cluster\)"):
        connect(RayConfig(), "dataset.ray")


#: A program that reports the uid its jail runs as and when it ran, and holds the uid for a while.
UID_PROGRAM = r"""
use std::time::{Duration, SystemTime, UNIX_EPOCH};
fn now() -> f64 { SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64() }
fn main() {
    let start = now();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let uid = status.lines().find(|l| l.starts_with("Uid:")).and_then(|l| l.split_whitespace().nth(1)).unwrap_or("?").to_string();
    std::thread::sleep(Duration::from_secs(2));
    println!("{} {} {}", uid, start, now());
}
"""


def jail_uid(shared: None, shard: list[int]) -> tuple[str, float, float]:
    """On a worker: run UID_PROGRAM in the sandbox as a test would; (uid, start, end) from its output."""
    from sigil.evaluation.functional import run_tests

    run = run_tests([{"source": UID_PROGRAM, "kind": "io", "cases": [{"input": "", "output": "-"}]}],
                    EvalConfig(jobs=1, cache_dir=None))
    got = run.results[0].message.split('got "', 1)[1].replace("\\n", " ").strip('" ').split()
    return got[0], float(got[1]), float(got[2])


def test_concurrent_workers_never_share_a_jail_uid(cluster):
    """Root jails run as unprivileged uids locked per executor (evaluator-rs exec/uids.rs): two workers on one
    machine running tests at the same time must hold different ones."""
    if os.geteuid() != 0:
        pytest.skip("not root: jails keep the caller's uid")
    from ray import cloudpickle

    from sigil.ray_backend import RayConfig, map_shards

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        (first, second), _ = map_shards(jail_uid, None, [[0], [1]], RayConfig(address=cluster), "test", "uids")
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert first[1] < second[2] and second[1] < first[2], f"the two runs did not overlap: {first} {second}"
    assert first[0] != second[0] and int(first[0]) >= 1000, (first, second)


def test_the_data_stage_on_ray_keeps_and_drops_what_it_does_locally(cluster, tmp_path):
    """The data stage through the real CLI on the built-in corpus: the same train, validation and dropped files."""
    stages = {}
    for backend in ("local", "ray"):
        pipeline = tmp_path / f"{backend}.yaml"
        pipeline.write_text(
            f"misc: {{output_dir: {tmp_path / backend}}}\nstages: [{{name: data, type: data}}]\n"
            f"dataset: {{names: ['builtin:tiny-rust'], validation_split: 0.1, backend: {backend}, "
            f"ray: {{address: '{cluster}', shard_size: 16}}}}\n"
        )
        assert main(["run", str(pipeline)]) == 0
        stages[backend] = tmp_path / backend / "stages" / "data"
    assert json.loads((stages["ray"] / "stage.json").read_text())["metrics"]["backend"] == "ray"
    for name in ("train.jsonl", "validation.jsonl", "dropped.jsonl", "stats.json"):
        assert (stages["ray"] / name).read_text() == (stages["local"] / name).read_text(), name
    dropped = (stages["local"] / "dropped.jsonl").read_text().splitlines()
    assert len(dropped) > 10 and (stages["local"] / "train.jsonl").read_text()  # kept some, dropped some


def test_a_local_cluster_starts_outside_the_scratch_directory(tmp_path, monkeypatch):
    """Processes that outlive an evaluation (a local Ray cluster started inside `sigil eval`) get the temporary
    directory of before its scratch directory, which is removed when the evaluation ends."""
    import tempfile

    from sigil.io.scratch import outside_scratch, scratch_dir

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    before = tempfile.tempdir
    with scratch_dir() as scratch:
        assert os.environ["TMPDIR"] == str(scratch) == tempfile.gettempdir()
        with outside_scratch():
            assert os.environ["TMPDIR"] == str(tmp_path) and tempfile.tempdir == before
        assert os.environ["TMPDIR"] == str(scratch) == tempfile.gettempdir()
