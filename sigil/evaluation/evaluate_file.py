"""Evaluate a samples file end to end and write its results: what ``sigil eval`` and the ``evaluate`` stage share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sigil.evaluation.evaluate import EvalReport, evaluate, make_evaluator
from sigil.evaluation.outputs import write_report
from sigil.evaluation.samples import read_samples, subsample


def evaluate_file(
    path: str | Path, pipeline: Any, seed: int, out_dir: Path | None
) -> tuple[EvalReport, dict[str, str], list[str]]:
    """Read the file once (``eval.on_bad_line``; with ``eval.functional.enabled`` each sample bound to its
    problem), subsample (``eval.sample_n``), check, score and test those samples, and write the results under
    ``out_dir`` (None: write nothing). Returns the report, the files written (artifact name → file name) and the
    malformed lines that were skipped.

    The evaluator is built first, so a bad ``eval`` setting (lints, deps, cache directory) is an error before
    the file is read."""
    config = pipeline.eval
    evaluator = make_evaluator(config)
    functional = config.functional
    suite = None
    if functional.enabled and functional.suite:
        from sigil.functional import resolve_suite

        suite = resolve_suite(functional.suite)
    bad_lines: list[str] = []
    samples = read_samples(
        path,
        suite=suite,
        bind_problems=functional.enabled,
        skip_bad_lines=config.on_bad_line == "skip",
        bad_lines=bad_lines,
        max_line_bytes=config.max_sample_bytes,
    )
    report = evaluate(subsample(samples, config.sample_n, seed), config, seed=seed, pipeline=pipeline,
                      evaluator=evaluator)
    report.metrics["bad_lines"] = len(bad_lines)
    report.metrics["samples_file"] = str(path)
    artifacts = write_report(report, out_dir, config.save_errors) if out_dir is not None else {}
    return report, artifacts, bad_lines
