"""Generated samples: what ``sigil eval`` reads and the ``generate`` stage writes. The one samples reader.

One JSON object per line. The reference system's ``{"prompt": ..., "gen": ...}`` is accepted as is; sigil
adds ``id``, ``problem`` (the problem or prompt identifier, for pass@k and per-prompt breakdowns) and
``sample`` (the sample's index for its prompt). MultiPL-E's layouts load too: ``completion`` instead of
``gen``, or a ``completions`` list (one sample each), and a line holding a whole problem (``prompt`` and
``tests``).

When the samples answer a problem suite (``--check-func``), each sample is *bound* to its problem: the code
that is compile-checked, scored and tested is the same whole program (prompt + completion cut at the stop
tokens + tests), so the compile rate and pass@k describe the same programs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sigil.errors import DataError
from sigil.functional.problems import Problem, Suite, assemble, problem_from_record
from sigil.io import read_jsonl_numbered


@dataclass
class Sample:
    """One model output for one prompt.

    ``task`` is the suite problem the sample answers when it is bound to one (its tests can run), and
    ``completion`` the raw text that continues the problem's prompt.
    """

    id: str
    prompt: str
    gen: str
    problem: str
    sample: int = 0
    completion: str | None = None
    task: Problem | None = None

    @property
    def program(self) -> str | None:
        """The whole program the problem's tests build (None for a sample bound to no problem)."""
        if self.task is None:
            return None
        return assemble(self.task, self.completion if self.completion is not None else self.gen)

    def to_json(self) -> dict[str, Any]:
        record: dict[str, Any] = {"id": self.id, "prompt": self.prompt, "gen": self.gen, "problem": self.problem,
                                  "sample": self.sample}
        if self.completion is not None:
            record["completion"] = self.completion
        return record


class _BadLine(Exception):
    """A line that cannot become a sample (the message names file, line and field)."""


def read_samples(
    path: str | Path,
    *,
    suite: Suite | None = None,
    bind_problems: bool = False,
    skip_bad_lines: bool = False,
    bad_lines: list[str] | None = None,
    max_line_bytes: int | None = None,
) -> list[Sample]:
    """Every sample in a JSONL file, read once.

    :param suite: the problems the samples answer (looked up by ``name``/``problem``/``task_id``, then by exact
        ``prompt``); a line that holds a whole problem needs none.
    :param bind_problems: bind each sample to its problem (``--check-func``); a line whose problem cannot be
        found is malformed.
    :param skip_bad_lines: skip malformed lines (described in ``bad_lines``) instead of raising a DataError.
    :param max_line_bytes: a longer line is malformed (it is never held in memory whole).
    """
    by_name = {p.name: p for p in suite.problems} if suite else {}
    by_prompt = {p.prompt: p for p in suite.problems} if suite else {}
    samples: list[Sample] = []
    counters: dict[str, int] = {}
    for number, record in read_jsonl_numbered(
        path, skip_bad_lines=skip_bad_lines, bad_lines=bad_lines, max_line_bytes=max_line_bytes
    ):
        where = f"{path}:{number}"
        try:
            samples += _samples_of(record, where, number, counters, bind_problems, by_name, by_prompt)
        except _BadLine as exc:
            if not skip_bad_lines:
                raise DataError(str(exc)) from None
            if bad_lines is not None:
                bad_lines.append(str(exc))
    if not samples:
        raise DataError(f"{path}: no samples")
    return samples


def _samples_of(
    record: dict[str, Any],
    where: str,
    number: int,
    counters: dict[str, int],
    bind: bool,
    by_name: dict[str, Problem],
    by_prompt: dict[str, Problem],
) -> list[Sample]:
    prompt = record.get("prompt", "")
    if not isinstance(prompt, str):
        raise _BadLine(f"{where}: field 'prompt' must be a string")
    completions = record.get("completions")
    if completions is not None:
        if not isinstance(completions, list) or not all(isinstance(c, str) for c in completions) or not completions:
            raise _BadLine(f"{where}: field 'completions' must be a non-empty list of strings")
        texts: list[str] = completions
    else:
        single = record.get("gen", record.get("completion"))
        if not isinstance(single, str):
            raise _BadLine(f"{where}: needs a string field 'gen' (or 'completion', or a 'completions' list)")
        texts = [single]
    task = _problem_for(record, where, by_name, by_prompt) if bind else None
    problem = task.name if task else str(record.get("problem") or record.get("name") or prompt)
    raw_completion = record.get("completion")
    out = []
    for position, text in enumerate(texts):
        index = record["sample"] if isinstance(record.get("sample"), int) and len(texts) == 1 else counters.get(problem, 0)
        counters[problem] = index + 1
        sample_id = str(record.get("id") or number) + (f".{position}" if len(texts) > 1 else "")
        gen = record["gen"] if len(texts) == 1 and isinstance(record.get("gen"), str) else text
        completion = text if completions is not None else (raw_completion if isinstance(raw_completion, str) else None)
        if task is not None and completion is None:
            completion = gen  # the reference's {"prompt", "gen"}: gen continues the prompt
        out.append(Sample(sample_id, prompt, gen, problem, index, completion, task))
    return out


def _problem_for(record: dict[str, Any], where: str, by_name: dict[str, Problem], by_prompt: dict[str, Problem]) -> Problem:
    name = record.get("name", record.get("problem", record.get("task_id")))
    if name is not None and not isinstance(name, str):
        raise _BadLine(f"{where}: field 'name' must be a string")
    if name is not None and name in by_name:
        return by_name[name]
    if "prompt" in record and "tests" in record:
        try:
            return problem_from_record(record, where)
        except DataError as exc:
            raise _BadLine(str(exc)) from None
    prompt = record.get("prompt")
    if isinstance(prompt, str) and prompt in by_prompt:
        return by_prompt[prompt]
    if name is not None:
        raise _BadLine(f"{where}: field 'name': no problem {name!r} in the suite")
    raise _BadLine(f"{where}: cannot tell which problem this sample answers: give 'name' (or a whole problem)")


def subsample(samples: list[Sample], n: int | None, seed: int) -> list[Sample]:
    """A seeded random subset of ``n`` samples (all of them when ``n`` is None or not smaller)."""
    if n is None or n >= len(samples):
        return samples
    chosen = sorted(random.Random(seed).sample(range(len(samples)), n))
    return [samples[i] for i in chosen]
