"""verifiers' own evaluation loop (the ``vf-eval`` CLI) against a real OpenAI-compatible server: ``transformers
serve`` hosting a tiny model built here, on 127.0.0.1, offline, on CPU. The rewards vf-eval reports must equal
sigil's evaluator verdicts on the same completions, recomputed with ``sigil.evaluate``.

The suite is written here so that the tiny (random) model's answers get three different verdicts whatever it
writes: two prompts end in a line comment and stop at the first newline, so the answer lands in the comment and the
program passes its tests (``answer``) or compiles and fails them (``wrong``); the third leaves an expression open
(``open``), so its program never compiles.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from sigil import EvalConfig, Sample, build_tiny_model, evaluate, load_suite, parse_spec

pytest.importorskip("fastapi", reason="the server needs transformers[serving]")
pytestmark = [pytest.mark.needs_executor, pytest.mark.torch, pytest.mark.slow]

RUST_TEXTS = [
    "/// Add one.\nfn add_one(x: i64) -> i64 {\n    x + 1\n}\n\nfn main() {\n    println!(\"{}\", add_one(2));\n}\n",
    "/// Sum of squares.\nfn sum_of_squares(v: &[i64]) -> i64 {\n    v.iter().map(|x| x * x).sum()\n}\n",
]
#: The model's reply is the prompt's continuation: a chat template that renders the messages' text as it is.
RAW_CHAT_TEMPLATE = "{% for message in messages %}{{ message['content'] }}{% endfor %}"
ANSWER = "/// The answer.\nfn answer() -> i64 {\n    42\n}\n\n// "
SUITE = [
    {"name": "answer", "prompt": ANSWER, "stop_tokens": ["\n", "\r"],
     "tests": "\nfn main() {\n    assert_eq!(answer(), 42);\n}\n"},
    {"name": "wrong", "prompt": ANSWER, "stop_tokens": ["\n", "\r"],
     "tests": "\nfn main() {\n    assert_eq!(answer(), 43);\n}\n"},
    {"name": "open", "prompt": "/// The answer.\nfn answer() -> i64 {\n    42 +\n    // ", "stop_tokens": ["\n", "\r"],
     "tests": "\n}\n\nfn main() {\n    assert_eq!(answer(), 42);\n}\n"},
]
WEIGHTS = {"compile": 0.5, "tests": 1.0, "clippy": 0.05, "idiomatic": 0.1}
ROLLOUTS = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``transformers serve`` on the tiny model, on a free port; killed with its process group afterwards."""
    model = build_tiny_model(parse_spec("sigil-tiny:llama"), RUST_TEXTS * 10, tmp_path_factory.mktemp("tiny"))
    (model / "chat_template.jinja").write_text(RAW_CHAT_TEMPLATE)
    port = free_port()
    log = (tmp_path_factory.mktemp("server") / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-c", "from transformers.cli.transformers import main; main()", "serve", str(model),
         "--device", "cpu", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, Path(log.name).read_text()
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            assert time.monotonic() < deadline, "transformers serve did not become healthy in 60 s"
            time.sleep(0.2)
        yield str(model), f"http://127.0.0.1:{port}/v1"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        log.close()


def test_vf_eval_reports_sigils_verdicts(server, tmp_path):
    model, base_url = server
    suite_file = tmp_path / "suite.jsonl"
    suite_file.write_text("".join(json.dumps(row) + "\n" for row in SUITE))
    config = tmp_path / "eval.toml"
    config.write_text(f"""\
model = "{model}"
output_dir = "{tmp_path / 'out'}"
push = false

[env.taskset]
id = "sigil-verifiers"
suite = "{suite_file}"

[env.taskset.task.eval]
cache_dir = "{tmp_path / 'eval-cache'}"

[client]
base_url = "{base_url}"
api_key_var = "SIGIL_TEST_UNSET_KEY"

[sampling]
max_tokens = 16
""")
    # verifiers' evaluation loop, as a user runs it: vf-eval <taskset> -n <tasks> -r <rollouts>
    completed = subprocess.run(
        [sys.executable, "-c", "from verifiers.v1.cli.eval.main import main; main()", "@", str(config),
         "-n", "3", "-r", str(ROLLOUTS), "--no-rich"],
        capture_output=True, text=True, timeout=240, cwd=tmp_path,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    (traces_file,) = (tmp_path / "out").glob("*/traces.jsonl")
    episodes = [json.loads(line) for line in traces_file.read_text().splitlines()]
    traces = [trace for episode in episodes for trace in episode["traces"]]
    assert sorted(t["task"]["data"]["problem"] for t in traces) == sorted([row["name"] for row in SUITE] * ROLLOUTS)

    # the same completions through sigil's evaluator, on their own
    problems = {p.name: p for p in load_suite(suite_file).problems}
    answers = [next(n["message"]["content"] for n in t["nodes"] if n["message"]["role"] == "assistant") for t in traces]
    assert all(answers)  # the server wrote something
    names = [t["task"]["data"]["problem"] for t in traces]
    samples = [Sample(str(i), problems[n].prompt, a, n, i, a, problems[n]) for i, (n, a) in enumerate(zip(names, answers))]
    standalone = EvalConfig(cache_dir=None, scorers=["compile", "clippy", "idiomatic"], prefilter={"enabled": False})
    report = evaluate(samples, standalone, seed=0, run_tests=True)
    for trace, detail in zip(traces, report.samples, strict=True):
        compiles = float(detail["check"]["compiles"])
        tests = detail["tests"]["tests_passed"] / detail["tests"]["tests_total"]
        clippy = -min(detail["check"]["clippy_warnings"], 10) * compiles
        idiomatic = detail["scores"]["idiomatic_score"] * compiles
        expected = {"compile": compiles, "tests": tests, "clippy": clippy, "idiomatic": idiomatic}
        assert {k: trace["metrics"][f"sigil/{k}"] for k in expected} == pytest.approx(expected), detail["problem"]
        total = sum(WEIGHTS[k] * v for k, v in expected.items())
        assert trace["rewards"]["sigil"]["score"] == pytest.approx(total)

    verdicts: dict[str, set[tuple[float, float]]] = {}
    for name, trace in zip(names, traces, strict=True):
        verdicts.setdefault(name, set()).add((trace["metrics"]["sigil/compile"], trace["metrics"]["sigil/tests"]))
    assert verdicts == {"answer": {(1.0, 1.0)}, "wrong": {(1.0, 0.0)}, "open": {(0.0, 0.0)}}
