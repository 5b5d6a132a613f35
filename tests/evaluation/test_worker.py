"""The evaluation worker (``evaluate(..., in_worker=True)``): the same verdicts as in this process, sample by sample;
a scorer only this process has keeps the work here; a worker that died is replaced; errors come back as errors."""

import json
import logging
import os
import signal

import pytest

from sigil.errors import ConfigError
from sigil.evaluation import worker
from sigil.evaluation.config import EvalConfig
from sigil.evaluation.evaluate import evaluate
from sigil.evaluation.samples import Sample, read_samples
from sigil.tasks.builtin import train_suite

CONFIG = EvalConfig(functional={"run_timeout": 5.0}, cache_dir=None)


def task_samples() -> list[Sample]:
    """Generated tasks with their reference (passes), their flawed body (fails to build or fails its tests) and a
    body that panics: every verdict the tests can give but a timeout."""
    samples = []
    for problem in train_suite().problems[:6]:
        bodies = [problem.reference, problem.extra["flawed"], '    panic!("no")\n']
        for index, body in enumerate(bodies):
            samples.append(Sample(f"{problem.name}/{index}", problem.prompt, body, problem.name, index, body, problem))
    return samples


def comparable(details: list[dict]) -> str:
    """Per-sample details without the timings, NaN made comparable."""
    for detail in details:
        for part in (detail["check"], detail.get("tests", {})):
            for key in [key for key in part if key.endswith(("_s", "_ms"))]:
                del part[key]
    return json.dumps(details, sort_keys=True, default=str).replace("NaN", '"nan"')


def test_worker_gives_the_same_verdicts_sample_by_sample():
    samples = task_samples()
    here = evaluate(samples, CONFIG, seed=3, run_tests=True)
    there = evaluate(samples, CONFIG, seed=3, run_tests=True, in_worker=True)
    statuses = {detail["tests"]["status"] for detail in here.samples}
    assert {"passed", "compile_error", "runtime_error"} <= statuses or {"passed", "compile_error", "failed"} <= statuses
    assert comparable(there.samples) == comparable(here.samples)
    untimed = [{k: v for k, v in m["pass_at_k"].items() if not k.endswith("_s")} for m in (here.metrics, there.metrics)]
    assert untimed[0] == untimed[1]
    assert worker._WORKER is not None and worker._WORKER.process.pid != os.getpid()


def test_pipeline_config_reaches_the_worker(samples_file):
    from sigil.config.loader import validate_config

    pipeline = validate_config({"stages": [{"name": "e", "type": "evaluate"}]}, "test")
    config = EvalConfig(scorers=["compile", "clippy"], cache_dir=None)
    here = evaluate(read_samples(samples_file), config, seed=1, pipeline=pipeline)
    there = evaluate(read_samples(samples_file), config, seed=1, pipeline=pipeline, in_worker=True)
    assert comparable(there.samples) == comparable(here.samples)


def test_a_scorer_registered_in_code_keeps_the_work_here(line_scorer, samples_file, caplog, monkeypatch):
    config = EvalConfig(scorers=["compile", "lines"], cache_dir=None, quality_weights={"compiles": 1.0})
    with caplog.at_level(logging.WARNING, logger="sigil"):
        report = evaluate(read_samples(samples_file), config, seed=1, in_worker=True)
    assert report.metrics["avg_lines"] == pytest.approx((8 + 4 + 6 + 1) / 4, abs=1e-3)
    assert "plugin registered in code" in caplog.text
    # once declined, the samples are not sent to the worker again just to be declined again
    monkeypatch.setattr(worker.Worker, "call", lambda *args: pytest.fail("sent to the worker again"))
    again = evaluate(read_samples(samples_file), config, seed=1, in_worker=True)
    assert again.metrics["avg_lines"] == report.metrics["avg_lines"]


def test_a_worker_that_died_is_replaced(samples_file):
    config = EvalConfig(scorers=["compile"], cache_dir=None)
    first = evaluate(read_samples(samples_file), config, seed=1, in_worker=True)
    old = worker._WORKER
    assert old is not None
    os.kill(old.process.pid, signal.SIGKILL)
    old.process.wait()
    again = evaluate(read_samples(samples_file), config, seed=1, in_worker=True)
    assert worker._WORKER is not old
    assert again.metrics["compile_rate"] == first.metrics["compile_rate"]


def test_an_error_in_the_worker_is_raised_here(samples_file):
    config = EvalConfig(scorers=["compile"], cache_dir=None, lints=["--foo"])
    with pytest.raises(ConfigError) as here:
        evaluate(read_samples(samples_file), config, seed=1)
    with pytest.raises(ConfigError) as there:
        evaluate(read_samples(samples_file), config, seed=1, in_worker=True)
    assert str(there.value) == str(here.value)


def test_the_worker_does_not_load_torch():
    """What makes it fast: a fresh interpreter with sigil and the installed plugins, never the model's libraries."""
    samples = task_samples()[:1]
    evaluate(samples, CONFIG, seed=1, run_tests=True, in_worker=True)
    pid = worker._WORKER.process.pid
    maps = open(f"/proc/{pid}/maps").read()
    assert "libtorch" not in maps and "sigil_evaluator" in maps


def test_the_worker_dies_with_its_caller(tmp_path):
    """A caller killed with SIGKILL while its worker is busy (a program sleeping in the sandbox) leaves no worker
    behind: end of file on its pipe would only be seen after the evaluation, 30 s later."""
    import subprocess
    import sys
    import time

    script = tmp_path / "caller.py"
    script.write_text(
        "import threading, time\n"
        "from sigil.evaluation import worker\n"
        "from sigil.evaluation.config import EvalConfig\n"
        "from sigil.evaluation.evaluate import evaluate\n"
        "from sigil.evaluation.samples import Sample\n"
        "from sigil.tasks.builtin import train_suite\n"
        "problem = next(p for p in train_suite().problems if p.extra['family'] == 'sum_above')\n"
        "body = '    std::thread::sleep(std::time::Duration::from_secs(30));\\n    0\\n'\n"
        "sample = Sample('a', problem.prompt, body, problem.name, 0, body, problem)\n"
        "config = EvalConfig(scorers=['compile'], cache_dir=None, functional={'run_timeout': 60.0})\n"
        "threading.Thread(target=evaluate, args=([sample], config), kwargs={'seed': 0, 'run_tests': True,"
        " 'in_worker': True}, daemon=True).start()\n"
        "while worker._WORKER is None:\n"
        "    time.sleep(0.05)\n"
        "print(worker._WORKER.process.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    caller = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    pid = int(caller.stdout.readline())
    time.sleep(3)  # the worker is building, then running the sleeping program
    os.kill(caller.pid, signal.SIGKILL)
    caller.wait()
    caller.stdout.close()

    def alive() -> bool:
        try:
            return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 10
    while alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive()


def test_a_worker_started_from_a_thread_outlives_the_thread(samples_file):
    """Tied to the caller's process, not to the thread that happened to start it (a reward function on a pool
    thread, say)."""
    import threading
    import time

    worker._close_worker()
    config = EvalConfig(scorers=["compile"], cache_dir=None)
    thread = threading.Thread(target=evaluate, args=(read_samples(samples_file), config), kwargs={"seed": 1,
                                                                                                 "in_worker": True})
    thread.start()
    thread.join()
    started = worker._WORKER
    assert started is not None
    time.sleep(1.0)
    assert started.process.poll() is None
    evaluate(read_samples(samples_file), config, seed=1, in_worker=True)
    assert worker._WORKER is started
