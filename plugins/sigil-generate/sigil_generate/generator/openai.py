"""The ``openai`` generator: completions from any OpenAI-compatible server (vLLM, SGLang, TGI, llama.cpp's server,
``transformers serve``) over ``POST /v1/completions``.

sigil reaches the serving engines through their standard HTTP API rather than by importing them: they are the
lever at scale (continuous batching, paged attention, tensor parallelism), and a server-backed run never loads the
model in this process (only its tokenizer, to render prompts exactly as training did).

- *External* mode: ``generate.openai.base_urls`` name running servers. *Managed* mode: ``generate.openai.serve``
  gives a command; sigil starts it (``replicas`` times, consecutive ports) with the round's model or adapter, waits
  for its health check, and stops it afterwards; the server's log stays in the stage's work directory.
- Requests run ``concurrency`` at a time over all replicas, round-robin; 429, 5xx, timeouts and dropped connections
  are retried with exponential backoff and jitter (a ``Retry-After`` header is honoured); a replica that refuses
  connections is skipped for the rest of the call; other 4xx answers are errors (a retry cannot fix them).
- Each sample is its own request with its own seed (derived from the sampling seed, the problem and the sample
  index), so a resumed run asks exactly the requests that are missing; ``request_n`` asks for a prompt's missing
  samples in one request instead. Stop strings are sent and also applied here, so a server that ignores ``stop``
  gives the same text.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sigil import Completion, ConfigError, GenerationRequest, Job, ModelRef, SamplingSettings, SigilError
from sigil_generate.generator.render import prompt_text
from sigil_generate.generator.stops import cut
from sigil_generate.model import load_tokenizer, merge_to_directory

#: Status codes worth retrying: rate limits and server-side failures.
RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
MAX_BACKOFF_S = 30.0


class GenerationError(SigilError):
    """A request that cannot succeed (bad request, every replica down, retries exhausted)."""


def job_seed(seed: int, problem: str, sample: int) -> int:
    """The seed of one request: stable across runs and resumes, different for every sample."""
    digest = hashlib.sha256(f"{seed}:{problem}:{sample}".encode()).digest()
    return int.from_bytes(digest[:4], "little") & 0x7FFF_FFFF


class OpenAIGenerator:
    """Sample through OpenAI-compatible ``/v1/completions`` endpoints, external or started by sigil."""

    def identity(self, options: Any) -> dict[str, Any]:
        # replicas are interchangeable: their URLs and count are not part of what the completions depend on
        section = options.openai
        return {"model": section.model, "request_n": section.request_n, "serve": list(section.serve.command)}

    def generate(self, request: GenerationRequest) -> Iterator[Completion]:
        section = request.options.openai
        if not section.base_urls and not section.serve.command:
            raise ConfigError("generate.openai: set base_urls (external servers) or serve.command (managed mode)")
        tokenizer = load_tokenizer(request.model)
        with serving(request.model, section, request.work_dir, request.log) as (urls, names):
            model_name = section.model.format(**names)
            client = Client(urls, section, request.log)
            units = work_units(request.jobs, request.done, request.settings, section.request_n)
            request.log.info("openai generator: %d requests over %d replica(s) %s, model %r",
                             len(units), len(urls), ", ".join(urls), model_name)
            yield from client.run(units, request.settings, model_name, tokenizer)


@dataclass(frozen=True)
class Unit:
    """One request: ``jobs`` (one, or a prompt's missing samples with ``request_n``) share its prompt and seed."""

    jobs: tuple[Job, ...]
    seed: int


def work_units(jobs: list[Job], done: frozenset[tuple[str, int]], settings: SamplingSettings, request_n: bool) -> list[Unit]:
    todo = [job for job in jobs if job.key not in done]
    if not request_n:
        return [Unit((job,), job_seed(settings.seed, job.problem, job.sample)) for job in todo]
    groups: dict[str, list[Job]] = {}
    for job in todo:
        groups.setdefault(job.problem, []).append(job)
    return [Unit(tuple(group), job_seed(settings.seed, group[0].problem, group[0].sample)) for group in groups.values()]


class Client:
    """Bounded-concurrency requests with retries over a set of replicas."""

    def __init__(self, urls: list[str], section: Any, log: Any) -> None:
        import httpx

        self.urls = [url.rstrip("/") for url in urls]
        self.section = section
        self.log = log
        self.dead: set[str] = set()
        self.turn = 0
        self.lock = threading.Lock()
        key = section.api_key or os.environ.get("OPENAI_API_KEY")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        limits = httpx.Limits(max_connections=section.concurrency, max_keepalive_connections=section.concurrency)
        self.http = httpx.Client(headers=headers, timeout=section.timeout_s, limits=limits)

    def run(self, units: list[Unit], settings: SamplingSettings, model: str, tokenizer: Any) -> Iterator[Completion]:
        """Yield each unit's completions as soon as its request succeeds; stop everything on the first failure."""
        prompts: dict[str, str] = {}
        pool = ThreadPoolExecutor(max_workers=self.section.concurrency, thread_name_prefix="sigil-openai")
        pending: set[Future[list[Completion]]] = set()
        queue = iter(units)
        try:
            while True:
                while len(pending) < self.section.concurrency:
                    unit = next(queue, None)
                    if unit is None:
                        break
                    job = unit.jobs[0]
                    if job.problem not in prompts:
                        prompts[job.problem] = prompt_text(tokenizer, job.prompt, settings.chat_template)
                    pending.add(pool.submit(self.complete, unit, prompts[job.problem], settings, model, tokenizer))
                if not pending:
                    return
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield from future.result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            self.http.close()

    def complete(self, unit: Unit, prompt: str, settings: SamplingSettings, model: str, tokenizer: Any) -> list[Completion]:
        stops = [tuple(dict.fromkeys(settings.stop + job.stop)) for job in unit.jobs]
        body: dict[str, Any] = {
            "model": model,
            "prompt": prompt,
            "max_tokens": settings.max_new_tokens,
            "temperature": settings.temperature,
            "top_p": settings.top_p,
            "n": len(unit.jobs),
            "seed": unit.seed,
        }
        if stops[0]:
            body["stop"] = list(stops[0])
        answer = self.post(body)
        choices = sorted(answer.get("choices") or [], key=lambda choice: choice.get("index", 0))
        if len(choices) < len(unit.jobs):
            raise GenerationError(
                f"generate.openai: the server returned {len(choices)} of the {len(unit.jobs)} choices asked for (`n`); "
                "set generate.openai.request_n: false"
            )
        result = []
        for job, choice, row_stops in zip(unit.jobs, choices, stops, strict=False):
            text = cut(str(choice.get("text") or ""), row_stops)
            result.append(Completion(job, text, len(tokenizer(text, add_special_tokens=False)["input_ids"])))
        return result

    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST to a live replica, retrying what a retry can fix."""
        import httpx

        section = self.section
        last = "no attempt"
        for attempt in range(section.max_retries + 1):
            url = self.pick()
            delay: float | None = None
            try:
                response = self.http.post(f"{url}/completions", json=body)
            except httpx.ConnectError as exc:
                self.mark_dead(url, f"{type(exc).__name__}: {exc}")
                last = f"{url}: cannot connect ({exc})"
                continue  # another replica, at once
            except httpx.TransportError as exc:  # timeouts, a connection dropped mid-answer
                last = f"{url}: {type(exc).__name__}: {exc}"
            else:
                if response.status_code == 200:
                    return dict(response.json())
                last = f"{url}: HTTP {response.status_code}: {response.text[:300]}"
                if response.status_code not in RETRY_STATUS:
                    raise GenerationError(f"generate.openai: {last}")
                retry_after = response.headers.get("retry-after", "")
                if retry_after.replace(".", "", 1).isdigit():
                    delay = min(float(retry_after), MAX_BACKOFF_S)
            if attempt < section.max_retries:
                if delay is None:
                    delay = min(section.backoff_s * 2**attempt, MAX_BACKOFF_S) + random.uniform(0, section.backoff_s)
                self.log.info("openai generator: retry %d/%d in %.1f s after %s", attempt + 1, section.max_retries, delay, last)
                time.sleep(delay)
        raise GenerationError(f"generate.openai: gave up after {section.max_retries + 1} attempts; last: {last}")

    def pick(self) -> str:
        with self.lock:
            alive = [url for url in self.urls if url not in self.dead]
            if not alive:
                raise GenerationError(f"generate.openai: every replica is down ({', '.join(self.urls)})")
            self.turn += 1
            return alive[self.turn % len(alive)]

    def mark_dead(self, url: str, why: str) -> None:
        with self.lock:
            if url not in self.dead:
                self.dead.add(url)
                self.log.warning("openai generator: replica %s is down (%s); skipped from now on", url, why)


# --- managed mode: start the configured server(s), wait for health, stop them afterwards


@contextlib.contextmanager
def serving(ref: ModelRef, section: Any, work_dir: Path, log: Any) -> Iterator[tuple[list[str], dict[str, str]]]:
    """The base URLs to use and the placeholder values: the external ones, or servers started for ``ref``."""
    serve = section.serve
    names = placeholders(ref, serve.command + [section.model] if serve.command else [], work_dir)
    if not serve.command:
        yield list(section.base_urls), names
        return
    processes: list[subprocess.Popen[bytes]] = []
    try:
        urls = []
        for replica in range(serve.replicas):
            port = serve.port + replica
            args = [part.format(**names, port=port, host=serve.host, replica=replica) for part in serve.command]
            log_path = work_dir / f"server-{replica}.log"
            log_path.parent.mkdir(parents=True, exist_ok=True)
            with log_path.open("ab") as handle:
                handle.write(f"$ {' '.join(args)}\n".encode())
                handle.flush()
                try:
                    process = subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                               env={**os.environ, **serve.env}, start_new_session=True)
                except OSError as exc:
                    raise ConfigError(f"generate.openai.serve.command: cannot start {args[0]!r}: {exc}") from None
            processes.append(process)
            urls.append(f"http://{serve.host}:{port}/v1")
            log.info("openai generator: started server %d (pid %d) on port %d, log %s", replica, process.pid, port, log_path)
        for replica, process in enumerate(processes):
            wait_healthy(process, f"http://{serve.host}:{serve.port + replica}{serve.health_path}", serve.startup_timeout_s,
                         work_dir / f"server-{replica}.log")
        yield urls, names
    finally:
        for process in processes:
            stop(process)


def placeholders(ref: ModelRef, templates: list[str], work_dir: Path) -> dict[str, str]:
    """``{base}``, ``{adapter}`` and ``{model}`` (one directory: the adapter merged into its base when the managed
    command or model name uses it; merging needs an in-process load, so it happens only then)."""
    names = {"base": ref.base, "adapter": ref.adapter or "", "model": ref.weights}
    if ref.adapter is not None and any("{model}" in template for template in templates):
        names["model"] = str(merge_to_directory(ref, work_dir / "merged-model"))
    return names


def wait_healthy(process: subprocess.Popen[bytes], url: str, timeout_s: float, log_path: Path) -> None:
    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace").strip().splitlines()[-5:]
            raise GenerationError(f"generate.openai.serve: the server exited with {process.returncode} before it was "
                                  f"healthy; {log_path}: {' | '.join(tail)}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2.0).status_code == 200:
                return
        time.sleep(0.25)
    raise GenerationError(f"generate.openai.serve: {url} not healthy after {timeout_s:.0f} s (log: {log_path})")


def stop(process: subprocess.Popen[bytes], grace_s: float = 15.0) -> None:
    """SIGTERM to the server's process group (it may have children), SIGKILL after ``grace_s``."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
