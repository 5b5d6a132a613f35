"""Sampling shared by the ``generate`` stage and every RSFT round: prompts × n → samples JSONL, resumable.

Each completion is appended to a progress file in the stage's work directory as soon as the generator yields it,
keyed by (problem, sample), under a key of everything the completions depend on (jobs, sampling settings, the
model by content (a local directory by the digest of its files, never by its path: a moved run directory resumes),
the generator and the settings it names, e.g. ``generate.dtype``/``device``/``engine``). A re-run
after a kill generates only the jobs that are missing; the generator's determinism (per-batch or per-job seeds)
makes the result the same as an uninterrupted run, and a job already recorded is never recorded twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sigil import (
    Completion,
    GenerationRequest,
    Generator,
    Job,
    ModelRef,
    PromptFormat,
    SamplingSettings,
    append_jsonl_line,
    assemble,
    read_jsonl,
    write_jsonl,
)
from sigil_generate.config import GenerateSection
from sigil_generate.prompts import PromptItem, PromptSet


@dataclass
class GeneratedSample:
    """One completion and the sample record it becomes."""

    item: PromptItem
    sample: int
    completion: str

    @property
    def id(self) -> str:
        return f"{self.item.problem}/{self.sample}"

    @property
    def gen(self) -> str:
        """What the evaluator checks: for a suite problem the whole program (prompt + completion + tests, as
        MultiPL-E assembles it), otherwise the completion itself (code fences are extracted by the evaluator)."""
        if self.item.suite_problem is not None:
            return assemble(self.item.suite_problem, self.completion, truncate=False)
        return self.completion

    def to_json(self) -> dict[str, Any]:
        """The samples-file record: ``{"id","prompt","gen","problem","sample"}`` plus the raw ``completion``."""
        return {
            "id": self.id,
            "prompt": self.item.prompt,
            "gen": self.gen,
            "problem": self.item.problem,
            "sample": self.sample,
            "completion": self.completion,
        }


def sampling_settings(section: GenerateSection, misc_seed: int, is_suite: bool, seed_offset: int = 0, *,
                      trained: PromptFormat | None) -> SamplingSettings:
    """The ``generate`` section resolved: default seed, and ``chat_template: auto`` decided by how the model was
    trained (``trained``, the record its training wrote: raw code is continued as is, instruct and chat models get
    their template), or, for a model with no record, by the prompt source (a suite's code prompts raw, anything
    else through the tokenizer's chat template or the instruct template). ``true``/``false`` always win."""
    if section.chat_template != "auto":
        chat = bool(section.chat_template)
    elif trained is not None:
        chat = trained.wrapped
    else:
        chat = not is_suite
    seed = section.seed if section.seed is not None else misc_seed
    return SamplingSettings(
        temperature=section.temperature,
        top_p=section.top_p,
        max_new_tokens=section.max_new_tokens,
        batch_size=section.batch_size,
        seed=seed + seed_offset,
        stop=tuple(section.stop),
        chat_template=chat,
    )


def make_jobs(prompts: PromptSet, n: int) -> list[Job]:
    """Every (prompt, sample) pair; a prompt's samples are neighbours, so a batch shares one prompt length."""
    return [Job(item.problem, item.prompt, index, item.stop) for item in prompts.items for index in range(n)]


@dataclass
class SamplingRun:
    """What one sampling pass needs besides the prompts: the generator, the model and where progress goes."""

    generator: Generator
    generator_name: str
    model: ModelRef
    options: GenerateSection
    progress_path: Path
    log: logging.Logger
    extra_key: dict[str, Any] = field(default_factory=dict)


def sample_prompts(prompts: PromptSet, n: int, settings: SamplingSettings, run: SamplingRun) -> list[GeneratedSample]:
    """Generate ``n`` samples per prompt, resuming from ``run.progress_path`` when it holds samples of this job."""
    jobs = make_jobs(prompts, n)
    key = progress_key(jobs, settings, run)
    done = _resume(run.progress_path, key, {job.key for job in jobs})
    if done:
        run.log.info("sampling: resuming with %d of %d samples done", len(done), len(jobs))
    if len(done) < len(jobs):
        request = GenerationRequest(
            model=run.model,
            jobs=jobs,
            settings=settings,
            options=run.options,
            done=frozenset(done),
            work_dir=run.progress_path.parent,
            log=run.log,
        )
        meter = ProgressMeter(len(jobs), len(done), run.log)
        for completion in run.generator.generate(request):
            if completion.job.key in done:  # a generator that repeats a job: the first record stands
                continue
            append_jsonl_line(run.progress_path, {"problem": completion.job.problem, "sample": completion.job.sample,
                                                  "completion": completion.text, "tokens": completion.tokens})
            done[completion.job.key] = completion.text
            meter.update(completion)
        meter.close()
        missing = [job.key for job in jobs if job.key not in done]
        if missing:
            raise RuntimeError(f"generator {run.generator_name!r} returned no completion for {len(missing)} jobs, e.g. {missing[0]}")
    items = {item.problem: item for item in prompts.items}
    return [GeneratedSample(items[job.problem], job.sample, done[job.key]) for job in jobs]


def write_samples(path: Path, samples: list[GeneratedSample]) -> None:
    """Write the samples JSONL atomically."""
    write_jsonl(path, (sample.to_json() for sample in samples))


def progress_key(jobs: list[Job], settings: SamplingSettings, run: SamplingRun) -> str:
    """Everything the completions depend on; progress under another key is discarded."""
    payload = {
        "jobs": [[j.problem, j.prompt, j.sample, list(j.stop)] for j in jobs],
        "settings": settings.to_json(),
        "model": model_identity(run.model),
        "generator": run.generator_name,
        "generator_settings": run.generator.identity(run.options),
        **run.extra_key,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def model_identity(model: ModelRef) -> dict[str, Any]:
    """``model`` as the completions depend on it: each local directory (base, adapter, merged model) by the digest
    of its files rather than by where it is, so a moved run directory resumes its progress, and an adapter
    rewritten in place does not reuse samples of the old one. Hub names stay names."""
    identity = model.to_json()
    for name in ("base", "adapter", "merged"):
        value = identity.get(name)
        if value and Path(value).is_dir():
            identity[name] = {"files_sha256": directory_digest(Path(value))}
    return identity


#: (directory, (relative path, size, mtime) of every file) → digest: a round's sampling, its held-out check and
#: the next round name the same base, which a full model's gigabytes make worth hashing once.
_DIGESTS: dict[tuple[str, tuple[tuple[str, int, int], ...]], str] = {}


def directory_digest(directory: Path) -> str:
    """sha256 over the relative path and content of every file under ``directory``, in sorted order."""
    files = sorted(path for path in directory.rglob("*") if path.is_file())
    stats = tuple((path.relative_to(directory).as_posix(), stat.st_size, stat.st_mtime_ns)
                  for path in files for stat in [path.stat()])
    memo = (str(directory.resolve()), stats)
    if memo not in _DIGESTS:
        digest = hashlib.sha256()
        for path, (relative, _, _) in zip(files, stats, strict=True):
            digest.update(relative.encode() + b"\0")
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
            digest.update(b"\0")
        _DIGESTS[memo] = digest.hexdigest()
    return _DIGESTS[memo]


def _resume(path: Path, key: str, wanted: set[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The completions already recorded under ``key`` (first record of a job wins; a torn last line is dropped);
    the file is rewritten to exactly those, so appends continue a consistent file. Another key's file is reset."""
    done: dict[tuple[str, int], str] = {}
    if path.exists():
        records = list(read_jsonl(path, skip_bad_lines=True))
        if records and records[0].get("key") == key:
            for record in records[1:]:
                job = (record.get("problem"), record.get("sample"))
                if job in wanted and job not in done and isinstance(record.get("completion"), str):
                    done[job] = record["completion"]  # type: ignore[index]
    kept = [{"problem": problem, "sample": sample, "completion": text} for (problem, sample), text in done.items()]
    write_jsonl(path, [{"key": key}, *kept])
    return done


class ProgressMeter:
    """Samples done, tokens/s and ETA while generating: a progress bar on a terminal, a log line every
    ``every_s`` seconds (and at the end) otherwise."""

    def __init__(self, total: int, already: int, log: logging.Logger, every_s: float = 15.0) -> None:
        self.total, self.done, self.log, self.every_s = total, already, log, every_s
        self.start = self.last_log = time.monotonic()
        self.new = 0
        self.tokens = 0
        self.bar: Any = None
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("sampling"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), transient=True)
            self.task = self.bar.add_task("sampling", total=total, completed=already, rate="")
            self.bar.start()

    def rates(self) -> tuple[float, float | None]:
        """Tokens per second so far, and the seconds left at the current pace of samples (None before any)."""
        elapsed = max(time.monotonic() - self.start, 1e-9)
        eta = (self.total - self.done) * elapsed / self.new if self.new else None
        return self.tokens / elapsed, eta

    def update(self, completion: Completion) -> None:
        self.done += 1
        self.new += 1
        self.tokens += completion.tokens
        speed, eta = self.rates()
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done, rate=f"{speed:,.0f} tok/s")
        elif time.monotonic() - self.last_log >= self.every_s:
            self.last_log = time.monotonic()
            self.log.info("sampling: %d/%d samples, %.0f tokens/s, ETA %s", self.done, self.total, speed, _duration(eta))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
        speed, _ = self.rates()
        self.log.info("sampling: %d/%d samples, %d new tokens in %.1f s (%.0f tokens/s)",
                      self.done, self.total, self.tokens, time.monotonic() - self.start, speed)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
