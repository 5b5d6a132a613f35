"""The evaluation worker (``evaluate(..., in_worker=True)``): the same verdicts as in this process, sample by sample;
a scorer only this process has keeps the work here; a worker that died is replaced; errors come back as errors."""

import json
import logging
import os
import signal

import pytest

from sigil import hookimpl
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


def test_a_scorer_registered_in_code_keeps_the_work_here(plugin, samples_file, caplog):
    class LineCount:
        def score(self, batch):
            return [{"lines": float(len(source.splitlines()))} for source in batch.sources]

    class Plugin:
        @hookimpl
        def register_scorers(self, register):
            register("lines", LineCount())

    plugin(Plugin(), name="line-scorer-worker")
    config = EvalConfig(scorers=["compile", "lines"], cache_dir=None, quality_weights={"compiles": 1.0})
    with caplog.at_level(logging.WARNING, logger="sigil"):
        report = evaluate(read_samples(samples_file), config, seed=1, in_worker=True)
    assert report.metrics["avg_lines"] == pytest.approx((8 + 4 + 6 + 1) / 4, abs=1e-3)
    assert "plugin registered in code" in caplog.text


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
