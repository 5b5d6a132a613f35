"""The ``openai`` generator against real OpenAI-compatible servers on 127.0.0.1: ``transformers serve`` over the
tiny model (FastAPI + uvicorn, on CPU, offline), replicas with one killed mid-run, a stub answering 429/5xx in
front of a real server, a stage killed and resumed, and an RSFT round through ``sigil run`` in managed mode."""

from __future__ import annotations

import contextlib
import http.server
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from conftest import write_pipeline
from sigil_generate.config import GenerateSection
from sigil_generate.generator.openai import GenerationError, OpenAIGenerator
from sigil_generate.prompts import load_prompts
from sigil_generate.stages.sampling import SamplingRun, sample_prompts

from sigil.cli import main
from sigil.generation import GenerationRequest, Job, ModelRef, SamplingSettings

pytest.importorskip("fastapi", reason="the server tests need transformers[serving]")
# every wait below is bounded (server health 60 s, request timeout 30 s, retries counted)
pytestmark = [pytest.mark.torch, pytest.mark.slow]

#: `transformers serve` as a command (its console script may not be on PATH inside a virtual environment).
SERVE = [sys.executable, "-c", "from transformers.cli.transformers import main; main()", "serve", "{model}",
         "--device", "cpu", "--host", "{host}", "--port", "{port}"]
SERVER_ENV = {"OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error"}
LOG = logging.getLogger("test-openai")
JOBS = [Job(problem, prompt, sample) for problem, prompt in
        [("add", "fn add(a: i64, b: i64) -> i64 {"), ("main", "fn main() {"), ("sum", "/// Sum.\nfn sum(v: &[i64]) -> i64 {"),
         ("hello", "// hello\nfn hello() {")] for sample in range(4)]
GREEDY = SamplingSettings(temperature=0.0, top_p=1.0, max_new_tokens=12, batch_size=4, seed=3, stop=(), chat_template=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One `transformers serve` process on the tiny model (started like an external server would be)."""

    def __init__(self, model_dir: Path, log_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        args = [part.format(model=model_dir, host="127.0.0.1", port=self.port) for part in SERVE]
        self.log = (log_dir / f"server-{self.port}.log").open("wb")
        self.process = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
                                        env={**os.environ, **SERVER_ENV})

    def wait(self, timeout: float = 60.0) -> Server:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, Path(self.log.name).read_text()
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=1).status_code == 200:
                    return self
            time.sleep(0.2)
        raise AssertionError(f"server on {self.port} not healthy")

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def servers(tiny_model_dir, tmp_path_factory):
    """Two replicas, started together (they load in parallel)."""
    log_dir = tmp_path_factory.mktemp("servers")
    started = [Server(tiny_model_dir, log_dir), Server(tiny_model_dir, log_dir)]
    try:
        yield [server.wait() for server in started]
    finally:
        for server in started:
            server.kill()


def options(urls: list[str], **changes) -> GenerateSection:
    openai = {"base_urls": urls, "concurrency": 4, "backoff_s": 0.01, "timeout_s": 30, **changes}
    return GenerateSection(generator="openai", openai=openai)


def request(model_dir, section, jobs=JOBS, done=frozenset(), settings=GREEDY, work_dir=None) -> GenerationRequest:
    return GenerationRequest(model=ModelRef(base=str(model_dir)), jobs=jobs, settings=settings, options=section,
                             done=done, work_dir=work_dir or Path.cwd(), log=LOG)


@pytest.fixture(scope="module")
def reference(servers, tiny_model_dir):
    """Greedy completions from one healthy replica, uninterrupted: what every other run must reproduce per sample."""
    completions = list(OpenAIGenerator().generate(request(tiny_model_dir, options([servers[0].url]))))
    assert sorted(c.job.key for c in completions) == sorted(job.key for job in JOBS)
    return {c.job.key: c.text for c in completions}


def test_completions_come_back_once_per_job_with_stops_applied(servers, reference, tiny_model_dir):
    assert any(reference.values())  # the server generated text
    text = next(t for t in reference.values() if len(t) > 4)
    stop = text[2:4]
    settings = SamplingSettings(**{**GREEDY.to_json(), "stop": (stop,)})
    stopped = {c.job.key: c.text for c in OpenAIGenerator().generate(request(tiny_model_dir, options([servers[1].url]), settings=settings))}
    for key, full in reference.items():
        assert stopped[key] == (full[: full.index(stop)] if stop in full else full)


def test_a_replica_killed_mid_run_loses_and_duplicates_nothing(servers, reference, tiny_model_dir, tmp_path):
    doomed = Server(tiny_model_dir, tmp_path).wait()
    try:
        seen = []
        stream = OpenAIGenerator().generate(request(tiny_model_dir, options([servers[0].url, doomed.url])))
        for completion in stream:
            seen.append(completion)
            if len(seen) == 5:
                doomed.kill()  # requests in flight on it fail; the rest go to the live replica
    finally:
        doomed.kill()
    keys = [c.job.key for c in seen]
    assert len(keys) == len(set(keys)) == len(JOBS)
    assert {c.job.key: c.text for c in seen} == reference


def test_a_killed_stage_resumes_without_gaps_or_duplicates(servers, reference, tiny_model_dir, tmp_path):
    """sample_prompts records each completion as it arrives; interrupted after 7, a re-run asks only for the rest."""
    prompts = load_prompts(str(write_prompts(tmp_path)), None)
    progress = tmp_path / "work" / "progress.jsonl"

    class Interrupted(OpenAIGenerator):
        def generate(self, req):
            for number, completion in enumerate(super().generate(req), 1):
                yield completion
                if number == 7:
                    raise KeyboardInterrupt

    def run(generator, section):
        return SamplingRun(generator, "openai", ModelRef(base=str(tiny_model_dir)), section, progress, LOG)

    with pytest.raises(KeyboardInterrupt):
        sample_prompts(prompts, 4, GREEDY, run(Interrupted(), options([servers[0].url])))
    assert len(progress.read_text().splitlines()) == 1 + 7
    asked = []

    class Counting(OpenAIGenerator):
        def generate(self, req):
            asked.append(len(req.jobs) - len(req.done))
            yield from super().generate(req)

    samples = sample_prompts(prompts, 4, GREEDY, run(Counting(), options([servers[1].url, servers[0].url])))
    assert asked == [len(JOBS) - 7]
    assert {(s.item.problem, s.sample): s.completion for s in samples} == reference
    records = [json.loads(line) for line in progress.read_text().splitlines()[1:]]
    assert sorted((r["problem"], r["sample"]) for r in records) == sorted(job.key for job in JOBS)


def write_prompts(tmp_path: Path) -> Path:
    path = tmp_path / "prompts.jsonl"
    prompts = dict.fromkeys(job.problem for job in JOBS)
    path.write_text("".join(json.dumps({"id": p, "prompt": next(j.prompt for j in JOBS if j.problem == p)}) + "\n" for p in prompts))
    return path


class Stub(http.server.ThreadingHTTPServer):
    """An endpoint that answers with the given statuses first, then forwards to a real server."""

    def __init__(self, upstream: str, statuses: list[int]) -> None:
        self.upstream, self.statuses, self.seen = upstream, list(statuses), []
        self.lock = threading.Lock()
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                with stub.lock:
                    status = stub.statuses.pop(0) if stub.statuses else 200
                    stub.seen.append(status)
                if status == 200:
                    answer = httpx.post(f"{stub.upstream}/completions", content=body,
                                        headers={"content-type": "application/json"}, timeout=30)
                    status, payload = answer.status_code, answer.content
                else:
                    payload = json.dumps({"error": {"message": f"stub says {status}"}}).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                if status == 429:
                    self.send_header("retry-after", "0")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}/v1"
        threading.Thread(target=self.serve_forever, daemon=True).start()


def test_429_and_5xx_are_retried_with_backoff(servers, reference, tiny_model_dir):
    stub = Stub(servers[0].url, [429, 500, 503, 429, 502])
    try:
        got = {c.job.key: c.text for c in OpenAIGenerator().generate(request(tiny_model_dir, options([stub.url], concurrency=2)))}
    finally:
        stub.shutdown()
    assert got == reference
    assert stub.seen[:5] == [429, 500, 503, 429, 502] and stub.seen.count(200) == len(JOBS)


def test_a_bad_request_is_not_retried_and_exhausted_retries_fail(servers, tiny_model_dir):
    stub = Stub(servers[0].url, [400] + [500] * 10)
    try:
        with pytest.raises(GenerationError, match="HTTP 400"):
            list(OpenAIGenerator().generate(request(tiny_model_dir, options([stub.url], concurrency=1), jobs=JOBS[:1])))
        assert stub.seen == [400]
        with pytest.raises(GenerationError, match="gave up after 3 attempts; last: .*HTTP 500"):
            list(OpenAIGenerator().generate(request(tiny_model_dir, options([stub.url], concurrency=1, max_retries=2), jobs=JOBS[:1])))
        assert stub.seen == [400, 500, 500, 500]
    finally:
        stub.shutdown()


def test_every_replica_down_is_one_clear_error(tiny_model_dir):
    dead = [f"http://127.0.0.1:{free_port()}/v1", f"http://127.0.0.1:{free_port()}/v1"]
    with pytest.raises(GenerationError, match="every replica is down"):
        list(OpenAIGenerator().generate(request(tiny_model_dir, options(dead), jobs=JOBS[:2])))


def test_request_n_groups_a_prompts_samples_and_a_server_ignoring_n_is_named(servers, tiny_model_dir):
    # transformers serve ignores `n` (one choice per request): the generator says so instead of losing samples
    with pytest.raises(GenerationError, match="returned 1 of the 4 choices"):
        list(OpenAIGenerator().generate(request(tiny_model_dir, options([servers[0].url], request_n=True))))


def managed(port: int, **changes) -> dict:
    return {"serve": {"command": SERVE, "port": port, "env": SERVER_ENV, "startup_timeout_s": 60, **changes},
            "concurrency": 4, "backoff_s": 0.01}


def test_a_server_that_dies_at_start_is_one_clear_error(tmp_path, prompts_file, capsys):
    command = [sys.executable, "-c", "import sys; print('no such model'); sys.exit(3)"]
    pipeline = write_pipeline(tmp_path / "p.yaml", [{"name": "gen", "type": "generate"}],
                              generate={"prompts": str(prompts_file), "generator": "openai",
                                        "openai": {"serve": {"command": command, "port": free_port()}}})
    assert main(["run", str(pipeline)]) == 1
    error = capsys.readouterr().err
    assert "exited with 3 before it was healthy" in error and "no such model" in error


def test_managed_mode_rsft_round_serves_its_adapter_then_stops_the_server(tmp_path, corpus):
    """Managed mode through `sigil run`: the round's sft adapter is merged for a server without LoRA support, the
    server is started on it, answers the round's requests, is stopped afterwards, and its log stays in the run."""
    train = {"adapter": "lora", "max_steps": 2, "micro_batch_size": 2, "grad_accum": 1, "lr": 1e-2,
             "dataloader_num_workers": 0, "tokenize_workers": 1, "eval_every": 0, "save_every": 100}
    stages = [
        {"name": "data", "type": "fixture_data", "options": {"train": str(corpus)}},
        {"name": "sft", "type": "sft", "inputs": {"dataset": "data"}},
        {"name": "rsft", "type": "rsft"},
    ]
    rsft = {"rounds": 1, "samples_per_prompt": 2, "min_quality": 0.0, "require_compile": False, "train_steps": 1}
    port = free_port()
    generate = {"prompts": "sigil-basic", "limit": 2, "max_new_tokens": 12, "generator": "openai", "openai": managed(port)}
    pipeline = write_pipeline(tmp_path / "p.yaml", stages, train=train, lora={"r": 4, "alpha": 8}, rsft=rsft,
                              eval={"scorers": ["compile", "clippy"], "cache_dir": None}, generate=generate)
    assert main(["run", str(pipeline)]) == 0
    round_dir = tmp_path / "run" / "work" / "rsft" / "round-001"
    # the round served the sft adapter, merged into its base for a server without LoRA support
    merged = json.loads((round_dir / "merged-model" / "sigil_merged.json").read_text())["ref"]
    assert merged["adapter"].endswith("sft/adapter")
    log = (round_dir / "server-0.log").read_text()
    assert str(round_dir / "merged-model") in log.splitlines()[0] and log.count("POST /v1/completions") == 4
    with pytest.raises(httpx.ConnectError):  # stopped afterwards
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
    samples = [json.loads(line) for line in (round_dir / "samples.jsonl").read_text().splitlines()]
    assert [(s["problem"], s["sample"]) for s in samples] == [(p, i) for p in dict.fromkeys(s["problem"] for s in samples) for i in (0, 1)]
    assert len(samples) == 4
    assert (tmp_path / "run" / "stages" / "rsft" / "adapter" / "adapter_config.json").exists()
