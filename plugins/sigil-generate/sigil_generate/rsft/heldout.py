"""RSFT as an experiment: the model after each round on held-out problems RSFT never trains on.

Before round 1 and after every round's fine-tune, one completion per held-out problem (``rsft.heldout``, a suite
with tests; greedy by default) is built and checked by the evaluator (compile + clippy's deny lints) and run against its tests in the sandbox. Each problem's verdict is kept,
so every round is compared with the starting model problem by problem (an exact McNemar test on the discordant
pairs), never only by aggregates; rates carry a percentile-bootstrap 95% interval.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sigil import ConfigError, EvalConfig, Sample, atomic_writer, bootstrap_interval, evaluate, mcnemar_exact
from sigil_generate.prompts import PromptSet
from sigil_generate.stages.sampling import SamplingRun, sample_prompts, sampling_settings

VERDICTS = "heldout.jsonl"


@dataclass(frozen=True)
class HeldoutVerdict:
    problem: str
    status: str
    completion: str
    #: what the evaluator found (absent from verdict files written before they were kept: empty)
    error_kind: str | None = None
    error_codes: list[str] = field(default_factory=list)
    lints: dict[str, int] = field(default_factory=dict)

    @property
    def compiled(self) -> bool:
        return self.status != "compile_error"

    @property
    def passed(self) -> bool:
        return self.status == "passed"


def check_heldout(heldout: PromptSet, training: PromptSet) -> None:
    """The held-out set must have tests and share no prompt text with RSFT's prompts (checked before any work)."""
    if not heldout.is_suite:
        raise ConfigError(f"rsft.heldout: {heldout.source} has no tests (it is not a problem suite)")
    shared = {item.prompt for item in heldout.items} & {item.prompt for item in training.items}
    if shared:
        raise ConfigError(f"rsft.heldout: {len(shared)} of its prompts are also RSFT prompts (generate.prompts); "
                          "a held-out set must share no task with the training prompts")


def evaluate_heldout(heldout: PromptSet, run: SamplingRun, rsft: Any, seed: int, eval_config: EvalConfig,
                     out_dir: Path) -> list[HeldoutVerdict]:
    """One completion per held-out problem from ``run.model``, run against its tests; verdicts saved in ``out_dir``.

    A finished evaluation (its verdicts file exists) is read back, so a resumed stage does not redo it.
    """
    path = out_dir / VERDICTS
    if path.exists():
        return read_verdicts(path)
    settings = dataclasses.replace(sampling_settings(run.options, seed, True, trained=run.model.prompt_format), temperature=rsft.heldout_temperature)
    samples = sample_prompts(heldout, 1, settings, run)
    # the one evaluate-with-tests path: each sample bound to its problem, so the program compile-checked is the
    # program its tests run (in the sandbox, eval.sandbox and eval.functional limits)
    bound = [Sample(s.id, s.item.prompt, s.gen, s.item.problem, s.sample, s.completion, s.item.suite_problem)
             for s in samples]
    report = evaluate(bound, eval_config, seed=seed, run_tests=True, in_worker=True)
    verdicts = [
        # a pre-filtered program (unbalanced delimiters, ...) has no compiler error: its filter reason stands in
        HeldoutVerdict(s.item.problem, _status(detail), s.completion,
                       detail["check"]["first_error_kind"] or detail["check"].get("reject_reason"),
                       list(detail["check"]["error_codes"]), dict(detail["check"]["lints"]))
        for s, detail in zip(samples, report.samples, strict=True)
    ]
    with atomic_writer(path) as handle:
        for verdict in verdicts:
            handle.write(json.dumps(dataclasses.asdict(verdict)) + "\n")
    return verdicts


def read_verdicts(path: Path) -> list[HeldoutVerdict]:
    """The verdicts a held-out evaluation saved."""
    return [HeldoutVerdict(**json.loads(line)) for line in path.read_text().splitlines() if line.strip()]


def _status(detail: dict[str, Any]) -> str:
    """``compile_error`` when the evaluator's check failed, else the test run's status."""
    if not detail["check"]["compiles"]:
        return "compile_error"
    return str(detail.get("tests", {}).get("status", "error"))


def heldout_metrics(verdicts: Sequence[HeldoutVerdict], baseline: Sequence[HeldoutVerdict] | None,
                    seed: int = 0) -> dict[str, Any]:
    """Compile rate and pass@1 with bootstrap intervals; what failed (error kinds and codes of the programs that did
    not build, clippy lints of those that did), as count mappings; against ``baseline`` (same problems), McNemar's
    test."""
    compiled = [v.compiled for v in verdicts]
    passed = [v.passed for v in verdicts]
    failed = [v for v in verdicts if not v.compiled]
    metrics: dict[str, Any] = {
        "heldout_problems": len(verdicts),
        "heldout_error_types": dict(Counter(v.error_kind or "unknown" for v in failed).most_common()),
        "heldout_error_codes": dict(Counter(code for v in failed for code in v.error_codes).most_common()),
        "heldout_clippy_lints": dict(sum((Counter({k: n for k, n in v.lints.items() if k.startswith("clippy::")})
                                          for v in verdicts), Counter()).most_common()),
    }
    for name, values in (("compile_rate", compiled), ("pass_at_1", passed)):
        low, high = bootstrap_interval(values, seed)
        metrics[f"heldout_{name}"] = round(sum(values) / len(values), 4) if values else 0.0
        metrics[f"heldout_{name}_ci95"] = [round(low, 4), round(high, 4)]
    if baseline is not None:
        by_problem = {v.problem: v for v in baseline}
        before = [by_problem[v.problem] for v in verdicts]
        for name, after_values, before_values in (
            ("compile", compiled, [v.compiled for v in before]),
            ("pass", passed, [v.passed for v in before]),
        ):
            lost, gained, p_value = mcnemar_exact(before_values, after_values)
            metrics[f"heldout_{name}_gained"] = gained
            metrics[f"heldout_{name}_lost"] = lost
            metrics[f"heldout_{name}_mcnemar_p"] = p_value
    return metrics
