"""Sampling shared by the ``generate`` stage and every RSFT round: prompts × n → samples JSONL, resumable.

Progress is appended to a file in the stage's work directory one batch at a time, under a key of everything the
completions depend on; a re-run after a crash generates only the batches that are missing, and because each
batch has its own seed the result is the same as an uninterrupted run.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sigil.functional.programs import assemble
from sigil.io import append_jsonl_line, atomic_writer, read_jsonl
from sigil_generate.config import GenerateSection
from sigil_generate.generator import Generator, Job, SamplingSettings
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


def sampling_settings(section: GenerateSection, misc_seed: int, is_suite: bool, seed_offset: int = 0) -> SamplingSettings:
    """The ``generate`` section resolved: default seed, ``chat_template: auto`` decided by the prompt source."""
    chat = (not is_suite) if section.chat_template == "auto" else bool(section.chat_template)
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


def sample_prompts(
    prompts: PromptSet,
    n: int,
    settings: SamplingSettings,
    generator: Generator,
    load_model: Callable[[], Any],
    progress_path: Path,
    model_key: str,
    log: logging.Logger,
) -> list[GeneratedSample]:
    """Generate ``n`` samples per prompt, resuming from ``progress_path`` when it holds batches of this exact job."""
    jobs = make_jobs(prompts, n)
    total = -(-len(jobs) // settings.batch_size)
    key = _progress_key(jobs, settings, model_key)
    done = _resume(progress_path, key)
    if done:
        log.info("sampling: resuming after %d of %d batches", len(done), total)
    if len(done) < total:
        model = load_model()
        for completions in generator.generate(model, jobs, settings, skip_batches=len(done)):
            append_jsonl_line(progress_path, {"batch": len(done), "completions": completions})
            done.append(completions)
            log.info("sampling: batch %d/%d", len(done), total)
    completions = [text for batch in done for text in batch]
    items = {item.problem: item for item in prompts.items}
    return [GeneratedSample(items[job.problem], job.sample, text) for job, text in zip(jobs, completions, strict=True)]


def write_samples(path: Path, samples: list[GeneratedSample]) -> None:
    """Write the samples JSONL atomically."""
    with atomic_writer(path) as handle:
        for sample in samples:
            handle.write(json.dumps(sample.to_json(), ensure_ascii=False) + "\n")


def _progress_key(jobs: list[Job], settings: SamplingSettings, model_key: str) -> str:
    payload = {"jobs": [[j.problem, j.prompt, j.sample, list(j.stop)] for j in jobs], "settings": settings.to_json(), "model": model_key}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def _resume(path: Path, key: str) -> list[list[str]]:
    """The batches already generated for ``key``; a progress file of another job is discarded."""
    batches: list[list[str]] = []
    if path.exists():
        records = list(read_jsonl(path, skip_bad_lines=True))
        if records and records[0].get("key") == key:
            for record in records[1:]:
                if record.get("batch") != len(batches) or not isinstance(record.get("completions"), list):
                    break
                batches.append([str(text) for text in record["completions"]])
            # rewrite exactly the usable prefix, so appends continue a consistent file
            _start(path, key, batches)
            return batches
    _start(path, key, [])
    return batches


def _start(path: Path, key: str, batches: list[list[str]]) -> None:
    with atomic_writer(path) as handle:
        handle.write(json.dumps({"key": key}) + "\n")
        for index, completions in enumerate(batches):
            handle.write(json.dumps({"batch": index, "completions": completions}) + "\n")
