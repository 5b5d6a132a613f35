"""The generated task suites: deterministic, i.i.d. splits with no shared task text, references that pass."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

import pytest

from sigil.data.config import DatasetConfig
from sigil.data.records import Record
from sigil.data.sources import read_source, source_fingerprint
from sigil.functional.execution import ExecOptions
from sigil.functional.suite_lookup import resolve_suite
from sigil.functional.validate import validate_suite
from sigil.tasks import FAMILIES, as_suite, reference_program, scraped, task_splits
from sigil.tasks.builtin import SCRAPED_FLAWED_SHARE, default_splits


def test_same_seed_same_tasks_other_seed_other_tasks() -> None:
    first, again, other = task_splits(3, 200, 50), task_splits(3, 200, 50), task_splits(4, 200, 50)
    assert first == again
    assert [p.prompt for p in first.train] != [p.prompt for p in other.train]


def test_heldout_shares_no_task_text_with_train_and_draws_from_every_family() -> None:
    splits = task_splits(0, 3000, 400)
    train_prompts = {p.prompt for p in splits.train}
    heldout_prompts = [p.prompt for p in splits.heldout]
    assert len(train_prompts) == 3000 and len(set(heldout_prompts)) == 400
    assert not train_prompts & set(heldout_prompts)
    assert len(FAMILIES) >= 10
    for split in (splits.train, splits.heldout):
        assert set(Counter(p.extra["family"] for p in split)) == set(FAMILIES)
    # i.i.d.: the family mix of the held-out split is the training split's, up to sampling noise
    train_share = Counter(p.extra["family"] for p in splits.train)
    heldout_share = Counter(p.extra["family"] for p in splits.heldout)
    for family in FAMILIES:
        assert abs(train_share[family] / 3000 - heldout_share[family] / 400) < 0.05, family


def test_instances_differ_in_names_and_constants() -> None:
    splits = task_splits(0, 400, 0)
    affine = [p for p in splits.train if p.extra["family"] == "affine"]
    assert len({p.prompt.splitlines()[1] for p in affine}) > 10  # signatures (names) vary
    assert len({p.prompt.splitlines()[0] for p in affine}) > 10  # doc lines (constants) vary


def test_suites_are_registered_and_the_corpus_source_reads_train_references() -> None:
    train = resolve_suite("rust-tasks-train")
    heldout = resolve_suite("rust-tasks-heldout")
    assert len(train) == 3000 and len(heldout) == 400
    records = list(read_source("suite:rust-tasks-train", DatasetConfig()))
    assert len(records) == 3000 and all(isinstance(r, Record) for r in records)
    assert records[0].content == reference_program(train.problems[0])
    held_texts = {p.prompt for p in heldout.problems}
    assert not any(r.content.startswith(tuple(held_texts)) for r in records[:500])
    assert source_fingerprint("suite:rust-tasks-train") == source_fingerprint("suite:rust-tasks-train")
    assert source_fingerprint("suite:rust-tasks-train") != source_fingerprint("suite:rust-tasks-heldout")


@pytest.mark.needs_executor
def test_references_pass_and_broken_variants_fail_in_the_sandbox() -> None:
    """Two tasks of every family from each split, through the functional harness (compile + run the asserts)."""
    splits = task_splits(11, 400, 200)
    picked = []
    for split in (splits.train, splits.heldout):
        for family in FAMILIES:
            picked += [p for p in split if p.extra["family"] == family][:2]
    report = validate_suite(as_suite("sample", tuple(picked)), ExecOptions(jobs=2, run_timeout=5.0, run_cpu_seconds=3))
    assert report.ok, "\n".join(report.lines())
    assert report.problems == 4 * len(FAMILIES)


def _expected_values(problem) -> list[str]:
    return [expected.strip() for expected in re.findall(r"assert_eq!\(.*, (.*?)\);", problem.tests)]


def test_no_shipped_task_expects_only_default_values() -> None:
    """A task whose every assert expects 0/""/empty is passed by `Default::default()`: its tests prove nothing."""
    splits = default_splits()
    defaults = {"0", '""', "vec![]", "Vec::new()", "String::new()", "false", "None"}
    vacuous = [p.name for p in splits.train + splits.heldout if set(_expected_values(p)) <= defaults]
    assert vacuous == []


@pytest.mark.needs_executor
def test_tasks_once_vacuous_now_fail_their_broken_variant_in_the_sandbox() -> None:
    # these six expected only 0 before sum_above/count_char added a case; heldout-00150 failed `suites validate`
    names = {"train-00366-sum_above", "train-00842-count_char", "train-00971-count_char", "train-01119-sum_above",
             "train-01814-count_char", "heldout-00150-sum_above"}
    splits = default_splits()
    picked = tuple(p for p in splits.train + splits.heldout if p.name in names)
    assert len(picked) == len(names)
    report = validate_suite(as_suite("once-vacuous", picked), ExecOptions(jobs=2, run_timeout=5.0, run_cpu_seconds=3))
    assert report.ok, "\n".join(report.lines())


def test_the_scraped_corpus_is_the_training_tasks_with_a_seeded_share_of_flawed_bodies() -> None:
    train = resolve_suite("rust-tasks-train").problems
    corpus = resolve_suite("rust-tasks-scraped").problems
    assert [(p.name, p.prompt, p.tests) for p in corpus] == [(p.name, p.prompt, p.tests) for p in train]
    flawed = [c for c, t in zip(corpus, train, strict=True) if c.reference != t.reference]
    assert all(c.reference == c.extra["flawed"] for c in flawed)
    assert abs(len(flawed) / len(train) - SCRAPED_FLAWED_SHARE) < 0.03
    for family in FAMILIES:  # every family has both kinds, so a model learns both
        kinds = {c.reference == t.reference for c, t in zip(corpus, train, strict=True) if c.extra["family"] == family}
        assert kinds == {True, False}, family
    assert scraped(train[:50], 0.6, 0) == scraped(train[:50], 0.6, 0)
    assert scraped(train[:50], 0.0, 0) == train[:50]
    records = list(read_source("suite:rust-tasks-scraped", DatasetConfig()))
    assert [r.content for r in records[:20]] == [reference_program(p) for p in corpus[:20]]


@pytest.mark.needs_executor
def test_every_familys_flawed_body_fails_its_tests_in_the_sandbox() -> None:
    """The scraped corpus's mistakes are mistakes: two tasks of every family, flawed body in place of the reference."""
    splits = task_splits(11, 400, 0)
    picked = tuple(replace(p, reference=p.extra["flawed"]) for family in FAMILIES
                   for p in [q for q in splits.train if q.extra["family"] == family][:2])
    report = validate_suite(as_suite("flawed", picked), ExecOptions(jobs=2, run_timeout=5.0, run_cpu_seconds=3),
                            check_broken=False)
    assert sorted(report.reference_failures) == sorted(p.name for p in picked)
    compile_errors = {name.split("-", 2)[2] for name, why in report.reference_failures.items()
                      if why.startswith("compile_error")}
    # some mistakes do not build, the rest build and give wrong answers: both kinds of verdict have something to fix
    assert compile_errors == {"count_char", "display", "enum_match", "first_multiple", "fizz", "scale_all",
                              "struct_method"}
