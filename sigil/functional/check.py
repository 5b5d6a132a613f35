"""``sigil eval --check-func``: run completions against their problems' tests and report pass@k."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sigil.errors import DataError
from sigil.functional.execution import ExecOptions, run_completions
from sigil.functional.pass_at_k import suite_pass_at_k
from sigil.functional.problems import Problem, Suite, problem_from_record
from sigil.functional.results import SampleResult
from sigil.io.atomic import atomic_writer
from sigil.io.jsonl import read_jsonl


@dataclass(frozen=True)
class Sample:
    """One completion for one problem."""

    problem: Problem
    completion: str
    where: str


def load_samples(path: str | Path, suite: Suite | None = None) -> list[Sample]:
    """Read completions from JSONL.

    Each line names its problem (``name``, ``problem`` or ``task_id``; or, for the reference's ``{"prompt",
    "gen"}`` schema, the exact ``prompt``) and carries one completion (``completion`` or ``gen``) or several
    (``completions``, MultiPL-E's layout). A line that also holds ``prompt`` and ``tests`` is a whole
    MultiPL-E problem and needs no suite.
    """
    path = Path(path)
    by_name = {p.name: p for p in suite.problems} if suite else {}
    by_prompt = {p.prompt: p for p in suite.problems} if suite else {}
    samples: list[Sample] = []
    for number, record in enumerate(read_jsonl(path), start=1):
        where = f"{path}:{number}"
        problem = _problem_for(record, where, by_name, by_prompt)
        completions = record.get("completions")
        if completions is None:
            single = record.get("completion", record.get("gen"))
            if single is None:
                raise DataError(f"{where}: field 'completion' is missing (or 'gen', or a 'completions' list)")
            completions = [single]
        if not isinstance(completions, list) or not all(isinstance(c, str) for c in completions):
            raise DataError(f"{where}: field 'completions' must be a list of strings")
        samples.extend(Sample(problem, completion, where) for completion in completions)
    if not samples:
        raise DataError(f"{path}: no samples")
    return samples


def _problem_for(record: dict[str, Any], where: str, by_name: dict[str, Problem], by_prompt: dict[str, Problem]) -> Problem:
    name = record.get("name", record.get("problem", record.get("task_id")))
    if name is not None and not isinstance(name, str):
        raise DataError(f"{where}: field 'name' must be a string")
    if name is not None and name in by_name:
        return by_name[name]
    if "prompt" in record and "tests" in record:
        return problem_from_record(record, where)
    prompt = record.get("prompt")
    if isinstance(prompt, str) and prompt in by_prompt:
        return by_prompt[prompt]
    if name is not None:
        raise DataError(f"{where}: field 'name': no problem {name!r} in the suite")
    raise DataError(f"{where}: cannot tell which problem this sample answers: give 'name' (or a whole problem)")


def check_functional(
    samples: Sequence[Sample],
    ks: Iterable[int] = (1,),
    options: ExecOptions | None = None,
    results_path: str | Path | None = None,
) -> dict[str, Any]:
    """Run every sample and return the ``pass_at_k`` block for metrics.jsonl.

    The block holds ``pass@k`` for each k (averaged over problems; a k larger than some problem's sample
    count is listed under ``skipped``), ``per_problem`` (n, c, pass@k), the count of each status, the mean
    fraction of tests passed, the isolation used and the build/run seconds. With ``results_path``, one line per
    sample (problem, status, tests, message, times) is written there atomically.
    """
    run = run_completions([(s.problem, s.completion) for s in samples], options)
    counts: dict[str, tuple[int, int]] = {}
    for sample, result in zip(samples, run.results):
        n, c = counts.get(sample.problem.name, (0, 0))
        counts[sample.problem.name] = (n + 1, c + int(result.passed))
    block: dict[str, Any] = suite_pass_at_k(counts, ks)
    block["samples"] = len(samples)
    block["statuses"] = dict(Counter(r.status for r in run.results))
    block["tests_passed_fraction"] = _mean(r.tests_passed / r.tests_total for r in run.results if r.tests_total)
    block["isolation"] = run.isolation
    block["build_s"] = round(sum(r.build_s for r in run.results), 3)
    block["run_s"] = round(sum(r.run_s for r in run.results), 3)
    if results_path is not None:
        _write_results(results_path, samples, run.results)
    return block


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def _write_results(path: str | Path, samples: Sequence[Sample], results: Sequence[SampleResult]) -> None:
    with atomic_writer(path) as handle:
        for sample, result in zip(samples, results):
            handle.write(json.dumps({"name": sample.problem.name, **result.to_dict()}) + "\n")
