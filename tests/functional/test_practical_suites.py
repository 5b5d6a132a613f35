"""The real-world-style suites ``rust-practical-train`` / ``rust-practical-eval``: every reference passes in the
sandbox and is clippy-clean, wrong completions fail, and the two suites share no task text."""

from __future__ import annotations

import pytest

from sigil.evaluation.config import EvalConfig
from sigil.evaluation.evaluate import make_evaluator
from sigil.functional.execution import ExecOptions, run_completions
from sigil.functional.problems import Problem, Suite, assemble
from sigil.functional.results import SampleResult
from sigil.functional.suite_lookup import resolve_suite

CATEGORIES = {"parsing", "text", "collections", "numeric", "types", "state", "io"}


@pytest.fixture(scope="module")
def train() -> Suite:
    return resolve_suite("rust-practical-train")


@pytest.fixture(scope="module")
def heldout() -> Suite:
    return resolve_suite("rust-practical-eval")


def _task_text(problem: Problem) -> str:
    """What the prompt asks for: its comments, joined (doc comments of the function and of the types it uses)."""
    return " ".join(line.strip() for line in problem.prompt.splitlines() if line.strip().startswith("//"))


def _signature(problem: Problem) -> str | None:
    """The signature the completion implements, unless a trait or `main` dictates it (`fn fmt`, `fn main`)."""
    lines = problem.prompt.rstrip().splitlines()
    impls = [line for line in lines if line.startswith("impl ")]
    if problem.test_kind == "io" or (impls and " for " in impls[-1]):
        return None
    return lines[-1].strip()


def test_sizes_and_every_category_in_both(train: Suite, heldout: Suite) -> None:
    assert len(train) + len(heldout) >= 100
    assert len(train) >= 80 and len(heldout) >= 40
    for suite in (train, heldout):
        assert {p.extra["category"] for p in suite.problems} == CATEGORIES, suite.name
        assert all(p.reference is not None for p in suite.problems)
        # several assertions (or stdin/stdout cases) per task: edge cases, not one happy path
        for problem in suite.problems:
            checks = len(problem.cases) if problem.test_kind == "io" else problem.tests.count("assert")
            assert checks >= (3 if problem.test_kind == "io" else 5), problem.name


def test_the_suites_share_no_task_text(train: Suite, heldout: Suite) -> None:
    """No prompt, task description, signature or name of the evaluation suite appears in the training suite
    (nor in sigil-basic), so held-out pass rates are about tasks RSFT never saw."""
    basic = resolve_suite("sigil-basic")
    for other in (train, basic):
        assert not {p.prompt for p in heldout.problems} & {p.prompt for p in other.problems}
        assert not {p.name for p in heldout.problems} & {p.name for p in other.problems}
        texts = {_task_text(p) for p in other.problems}
        assert not [p.name for p in heldout.problems if _task_text(p) in texts]
        signatures = {_signature(p) for p in other.problems} - {None}
        assert not [p.name for p in heldout.problems if _signature(p) in signatures]
    assert not {p.prompt for p in train.problems} & {p.prompt for p in basic.problems}


def test_mixed_training_suite_is_the_practical_prompts_then_the_generated_ones(train: Suite, heldout: Suite) -> None:
    mixed = resolve_suite("rust-mixed-train")
    generated = resolve_suite("rust-tasks-train")
    assert mixed.problems == train.problems + generated.problems
    assert len({p.name for p in mixed.problems}) == len(mixed)
    assert not {p.prompt for p in heldout.problems} & {p.prompt for p in mixed.problems}


@pytest.fixture(scope="module")
def verdicts(train: Suite, heldout: Suite) -> dict[tuple[str, str], SampleResult]:
    """(problem, "reference" | "broken") → status: every reference and every broken variant of both suites,
    in one run of the sandboxed harness (build + run the tests), two compilers at a time."""
    pairs, keys = [], []
    for problem in train.problems + heldout.problems:
        assert problem.reference is not None, problem.name
        pairs += [(problem, problem.reference), (problem, problem.broken_completion())]
        keys += [(problem.name, "reference"), (problem.name, "broken")]
    run = run_completions(pairs, ExecOptions(jobs=2, run_timeout=5.0, run_cpu_seconds=3, compile_timeout=120.0))
    return dict(zip(keys, run.results, strict=True))


@pytest.mark.needs_executor
def test_every_reference_passes(train: Suite, heldout: Suite, verdicts) -> None:
    failing = {name: f"{result.status}: {result.message[:400]}" for (name, role), result in verdicts.items()
               if role == "reference" and not result.passed}
    assert not failing
    assert len(verdicts) == 2 * (len(train) + len(heldout))


@pytest.mark.needs_executor
def test_wrong_completions_fail(train: Suite, heldout: Suite, verdicts) -> None:
    """Every broken variant fails. The hand-written ones are the lazy solution a model might write (splitting
    CSV on every comma, `n % 9` for a digital root, `angle % 360`, ...): they build and run and an assertion
    catches them, so the tests bite on code that compiles, not only on code that does not."""
    problems = train.problems + heldout.problems
    assert not [p.name for p in problems if verdicts[(p.name, "broken")].passed]
    written = [p for p in problems if p.broken is not None]
    assert len(written) >= 40
    assert {p.extra["category"] for p in written} >= CATEGORIES - {"io"}
    assert {p.name: verdicts[(p.name, "broken")].status for p in written} == {p.name: "failed" for p in written}


@pytest.mark.needs_executor
def test_references_are_clippy_clean(train: Suite, heldout: Suite) -> None:
    """The programs RSFT trains on when a reference is replayed (and that the evaluator scores) carry no rustc
    or clippy warning under the evaluator's default lint set."""
    problems = [p for suite in (train, heldout) for p in suite.problems]
    assert all(p.reference is not None for p in problems)
    checks = make_evaluator(EvalConfig(jobs=2, cache_dir=None)).check([assemble(p, p.reference or "") for p in problems])
    noisy = {p.name: (c["first_error"], c["lints"]) for p, c in zip(problems, checks, strict=True)
             if not c["compiles"] or c["clippy_warnings"] or c["rustc_warnings"] or c["clippy_errors"]}
    assert not noisy
