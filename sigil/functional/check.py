"""``sigil eval --check-func``: run completions against their problems' tests and report pass@k."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sigil.errors import DataError
from sigil.functional.execution import ExecOptions, run_completions
from sigil.functional.pass_at_k import suite_pass_at_k
from sigil.functional.problems import Problem, Suite
from sigil.functional.results import SampleResult
from sigil.io.jsonl import write_jsonl

if TYPE_CHECKING:  # the samples model lives with its reader in sigil.evaluation, which imports this package
    from sigil.evaluation.samples import Sample


def load_samples(path: str | Path, suite: Suite | None = None) -> list[Sample]:
    """Read completions from JSONL, each bound to its problem: :func:`sigil.evaluation.samples.read_samples`.

    Each line names its problem (``name``, ``problem`` or ``task_id``; or, for the reference's ``{"prompt",
    "gen"}`` schema, the exact ``prompt``) and carries one completion (``completion`` or ``gen``) or several
    (``completions``, MultiPL-E's layout). A line that also holds ``prompt`` and ``tests`` is a whole
    MultiPL-E problem and needs no suite.
    """
    from sigil.evaluation.samples import read_samples

    return read_samples(path, suite=suite, bind_problems=True)


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
    tasks = [_task(sample) for sample in samples]
    run = run_completions([(task, sample.completion or "") for task, sample in zip(tasks, samples)], options)
    names = [task.name for task in tasks]
    if results_path is not None:
        write_jsonl(results_path, verdict_records(names, run.results))
    return pass_at_k_block(names, run.results, ks, run.isolation)


def pass_at_k_block(
    names: Sequence[str], results: Sequence[SampleResult], ks: Iterable[int], isolation: str
) -> dict[str, Any]:
    """The ``pass_at_k`` block from each sample's problem name and verdict (see :func:`check_functional`)."""
    counts: dict[str, tuple[int, int]] = {}
    for name, result in zip(names, results, strict=True):
        n, c = counts.get(name, (0, 0))
        counts[name] = (n + 1, c + int(result.passed))
    block: dict[str, Any] = suite_pass_at_k(counts, ks)
    block["samples"] = len(results)
    block["statuses"] = dict(Counter(r.status for r in results))
    errors = block["statuses"].get("error", 0)
    if errors:
        # The harness could not run these (after its retries): they are not failed samples, and pass@k over
        # them is not a number. The callers end with a non-zero exit (see harness_failure).
        block["harness_errors"] = errors
        for key in [key for key in block if key.startswith("pass@")]:
            block[key] = None
    block["tests_passed_fraction"] = _mean(r.tests_passed / r.tests_total for r in results if r.tests_total)
    block["isolation"] = isolation
    block["build_s"] = round(sum(r.build_s for r in results), 3)
    block["run_s"] = round(sum(r.run_s for r in results), 3)
    return block


def harness_failure(metrics: dict[str, Any]) -> str | None:
    """The one-line error when the test harness could not run some samples (``harness_errors``), else None."""
    block = metrics.get("pass_at_k") or {}
    errors = block.get("harness_errors", 0)
    if not errors:
        return None
    return (
        f"{errors} of {block.get('samples')} samples could not be run by the test harness (status 'error' in the "
        "functional results, after retries): pass@k is not reported; see the results' messages"
    )


def verdict_records(names: Sequence[str], results: Sequence[SampleResult]) -> Iterator[dict[str, Any]]:
    """The lines of ``functional.jsonl``: each sample's problem and verdict."""
    for name, result in zip(names, results, strict=True):
        yield {"name": name, **result.to_dict()}


def _task(sample: Sample) -> Problem:
    if sample.task is None:
        raise DataError(f"sample {sample.id}: bound to no problem, so it has no tests to run")
    return sample.task


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0

