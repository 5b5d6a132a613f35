"""Runs outside one calm process: multi-process launches (torchrun) and a run killed mid-stage.

In the multi-process tests two real `sigil run` processes share one run directory. The distributed stage's
"collective" is a file barrier, so the tests need no torch: each rank waits until the other has arrived.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PLUGIN = """
import os, time
from pathlib import Path
import sigil
from sigil.pipeline import NoOptions, StageResult


class Prepare:
    Options = NoOptions
    config_keys = ()
    version = "1"

    def run(self, ctx):
        time.sleep(1.0)  # rank 1 must wait for this result, not race past it
        (ctx.out_dir / "env.json").write_text(repr(os.environ.get("WORLD_SIZE")))
        ctx.log_metrics({"prepared": 1})
        return StageResult({"env": "env.json"})


class Train:
    Options = NoOptions
    config_keys = ()
    version = "1"
    distributed = True

    def run(self, ctx):
        rank = os.environ["RANK"]
        prepared = ctx.upstream["prepare"].artifact("env").read_text()
        (ctx.work_dir / f"arrived-{rank}").write_text(prepared)
        deadline = time.monotonic() + 60
        while len(list(ctx.work_dir.glob("arrived-*"))) < int(os.environ["WORLD_SIZE"]):
            assert time.monotonic() < deadline, "the other rank never arrived"
            time.sleep(0.05)
        (ctx.out_dir / "weights").write_text(f"rank {rank}")
        ctx.log_metrics({"loss": 1.0}, step=1)
        return StageResult({"weights": "weights"})


@sigil.hookimpl
def register_stages(register):
    register("prepare", Prepare)
    register("train", Train)
"""


def test_rank0_leads_and_rank1_follows(tmp_path, fake_distribution):
    fake_distribution(tmp_path, "distplug", PLUGIN)
    run_dir = tmp_path / "run"
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text(
        f"misc: {{output_dir: {run_dir}}}\nstages:\n  - {{name: prepare, type: prepare}}\n  - {{name: train, type: train}}\n"
    )
    base = {k: v for k, v in os.environ.items() if k != "SIGIL_LOAD_PLUGINS"}
    base.update(PYTHONPATH=os.pathsep.join([str(tmp_path), base.get("PYTHONPATH", "")]), WORLD_SIZE="2",
                SIGIL_LOAD_PLUGINS="distplug")
    command = [sys.executable, "-m", "sigil.cli", "run", str(pipeline)]
    ranks = [subprocess.Popen(command, env={**base, "RANK": str(rank)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True) for rank in (1, 0)]  # the follower starts first
    outputs = [process.communicate(timeout=120)[0] for process in ranks]
    assert [process.returncode for process in ranks] == [0, 0], outputs

    # both ranks trained, after rank 0 alone prepared with the distributed variables hidden
    assert sorted(p.name for p in (run_dir / "work" / "train").glob("arrived-*")) == ["arrived-0", "arrived-1"]
    assert (run_dir / "work" / "train" / "arrived-1").read_text() == "None"
    # rank 0 committed; rank 1 left nothing behind and reported no metrics
    assert (run_dir / "stages" / "train" / "weights").read_text() == "rank 0"
    assert not list((run_dir / "work" / "train").glob(".rank-*"))
    metrics = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    assert [(m["stage"], m.get("step")) for m in metrics] == [("prepare", None), ("train", 1)]
    assert json.loads((run_dir / "manifest.json").read_text())["status"] == "completed"


def test_follower_stops_when_rank0_fails(tmp_path, fake_distribution):
    fake_distribution(tmp_path, "distplug", PLUGIN.replace("time.sleep(1.0)", "raise RuntimeError('boom')"))
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text(f"misc: {{output_dir: {tmp_path / 'run'}}}\nstages:\n  - {{name: prepare, type: prepare}}\n")
    base = {k: v for k, v in os.environ.items() if k != "SIGIL_LOAD_PLUGINS"}
    base.update(PYTHONPATH=os.pathsep.join([str(tmp_path), base.get("PYTHONPATH", "")]), WORLD_SIZE="2",
                SIGIL_LOAD_PLUGINS="distplug")
    command = [sys.executable, "-m", "sigil.cli", "run", str(pipeline)]
    follower = subprocess.Popen(command, env={**base, "RANK": "1"}, stderr=subprocess.PIPE, text=True)
    leader = subprocess.run(command, env={**base, "RANK": "0"}, capture_output=True, text=True, timeout=120)
    _, follower_err = follower.communicate(timeout=120)
    assert leader.returncode != 0
    assert follower.returncode == 1
    assert "rank 0 stopped (failed) before completing stage 'prepare'" in follower_err


SLOW_PLUGIN = """
import os, time
import sigil
from sigil.pipeline import NoOptions, StageResult


class Step:
    Options = NoOptions
    config_keys = ()
    version = "1"

    def run(self, ctx):
        (ctx.run_dir / f"ran-{ctx.name}").open("a").write("x")
        if ctx.name == "second" and os.environ.get("SIGIL_TEST_HANG"):
            (ctx.out_dir / "half").write_text("half-written")
            time.sleep(600)
        (ctx.out_dir / "done").write_text(ctx.name)
        return StageResult({"done": "done"})


@sigil.hookimpl
def register_stages(register):
    register("step", Step)
"""


def test_a_killed_run_resumes(tmp_path, fake_distribution):
    """SIGKILL in the middle of a stage: nothing half-written is kept, the lock is free, completed work is reused."""
    import signal
    import time

    fake_distribution(tmp_path, "slowplug", SLOW_PLUGIN)
    run_dir = tmp_path / "run"
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text(
        f"misc: {{output_dir: {run_dir}}}\nstages:\n"
        "  - {name: first, type: step}\n  - {name: second, type: step}\n  - {name: third, type: step}\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "SIGIL_LOAD_PLUGINS"}
    env.update(PYTHONPATH=os.pathsep.join([str(tmp_path), env.get("PYTHONPATH", "")]), SIGIL_LOAD_PLUGINS="slowplug")
    command = [sys.executable, "-m", "sigil.cli", "run", str(pipeline)]
    process = subprocess.Popen(command, env={**env, "SIGIL_TEST_HANG": "1"}, stderr=subprocess.DEVNULL)
    partial = run_dir / "stages" / ".second.partial" / "half"
    deadline = time.monotonic() + 60
    while not partial.exists():
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert sorted(p.name for p in (run_dir / "stages").iterdir() if not p.name.startswith(".")) == ["first"]

    resumed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert (run_dir / "ran-first").read_text() == "x"  # not run again
    assert (run_dir / "ran-second").read_text() == "xx"
    assert not (run_dir / "stages" / ".second.partial").exists()
    assert not (run_dir / "stages" / "second" / "half").exists()
    assert (run_dir / "stages" / "third" / "done").read_text() == "third"


@pytest.mark.slow
def test_sigterm_and_kill9_leave_no_temporary_directories(tmp_path):
    """#11 item 14: `kill -9` and SIGTERM of sigil left its temporary directories in /tmp."""
    import shutil
    import tempfile
    from pathlib import Path

    # stands for /tmp, where nothing may be left; outside pytest's private (0700) tree so the jail's uid can
    # reach its binary, as it can in /tmp
    system_tmp = Path(tempfile.mkdtemp(prefix="sigil-test-tmp-"))
    system_tmp.chmod(0o1777)
    try:
        _kill_sigil_midway(tmp_path, system_tmp)
    finally:
        shutil.rmtree(system_tmp, ignore_errors=True)


def _kill_sigil_midway(tmp_path, system_tmp):  # type: ignore[no-untyped-def]
    import signal
    import time

    samples = tmp_path / "samples.jsonl"
    sleepy = {"name": "sleepy", "prompt": "fn main() {\n", "tests": "}\n",
              "completion": "    std::thread::sleep(std::time::Duration::from_secs(4));\n"}
    samples.write_text(json.dumps(sleepy) + "\n")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "sigil.cli", "eval", str(samples), "--output", str(out), "--no-cache",
               "--check-func", "--run-timeout", "20", "-o", "eval.scorers=[compile]"]
    env = {**os.environ, "TMPDIR": str(system_tmp)}
    for signum in (signal.SIGTERM, signal.SIGKILL):
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 90
        while not list(system_tmp.rglob("sigil-exec-*")):  # the test program is built, about to run in its jail
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()[0]
            time.sleep(0.1)
        process.send_signal(signum)
        output = process.communicate(timeout=90)[0]
        if signum == signal.SIGTERM:
            assert process.returncode == 130 and "interrupted" in output, output
            assert list(system_tmp.iterdir()) == []  # cleaned on the way out
        else:
            orphans = list(system_tmp.iterdir())
            assert len(orphans) == 1  # kill -9 runs nothing: the next start cleans it
            os.utime(orphans[0], (time.time() - 60, time.time() - 60))
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=90)
    assert done.returncode == 0, done.stdout
    assert list(system_tmp.iterdir()) == []  # the orphan is gone, and this run left nothing
    verdicts = [json.loads(line) for line in (out / "functional.jsonl").read_text().splitlines()]
    # the jail (another uid) reached its binary inside the scratch directory: no harness error
    assert len(verdicts) == 1 and verdicts[0]["status"] != "error", verdicts
