"""The ``rsft-control`` stage end to end on the tiny CPU model: the gold and unfiltered arms of an rsft stage."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from conftest import write_pipeline
from sigil_generate.rsft.rounds import budget
from sigil_generate.stages.control import check_same_budget

from sigil import ConfigError, assemble
from sigil.cli import main
from sigil.config import load_config
from sigil.functional import resolve_suite

pytestmark = [pytest.mark.torch, pytest.mark.slow]

import sigil_evaluator  # noqa: E402,F401  (a hard dependency of sigil)

TRAIN = {"adapter": "lora", "max_steps": 2, "micro_batch_size": 2, "grad_accum": 1, "lr": 1e-2,
         "dataloader_num_workers": 0, "tokenize_workers": 1, "eval_every": 0, "save_every": 100}
EVAL = {"scorers": ["compile", "clippy"], "cache_dir": None}
# a random tiny model writes nothing that compiles: keep by quality alone, so every round keeps and trains
RSFT = {"rounds": 2, "samples_per_prompt": 2, "min_quality": 0.0, "require_compile": False, "max_per_prompt": 2,
        "train_steps": 1, "accumulate": True, "heldout": "rust-tasks-heldout", "heldout_limit": 2}
GENERATE = {"prompts": "rust-tasks-train", "limit": 2, "max_new_tokens": 16, "batch_size": 4}


def references_file(path, problems, body="    unimplemented!()\n", **change):
    """A suite file with the given problems and another reference program each (as a corpus with mistakes has)."""
    path.write_text("".join(json.dumps({"name": p.name, "prompt": p.prompt, "tests": p.tests, "stop_tokens": list(p.stop_tokens),
                                        "test_kind": p.test_kind, "reference": body, **change}) + "\n" for p in problems))
    return path


def pipeline(tmp_path, corpus, generate=GENERATE, references=None):
    stages = [
        {"name": "data", "type": "fixture_data", "options": {"train": str(corpus)}},
        {"name": "sft", "type": "sft", "inputs": {"dataset": "data"}},
        {"name": "rsft", "type": "rsft"},
        {"name": "gold", "type": "rsft-control", "options": {"arm": "gold"}},
        {"name": "unfiltered", "type": "rsft-control", "options": {"arm": "unfiltered"}, "inputs": {"rsft": "rsft"}},
    ]
    if references is not None:
        stages.append({"name": "corpus", "type": "rsft-control", "options": {"arm": "gold", "references": str(references)}})
    return write_pipeline(tmp_path / "p.yaml", stages, train=TRAIN, lora={"r": 4, "alpha": 8}, eval=EVAL, rsft=RSFT,
                          generate=generate)


def metric_lines(run_dir, stage):
    lines = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    return [line for line in lines if line["stage"] == stage]


def jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_control_arms_train_the_rsft_budget_on_gold_or_unfiltered_records_and_are_measured_alike(tmp_path, corpus):
    references = references_file(tmp_path / "corpus.jsonl", resolve_suite("rust-tasks-train").problems[:2])
    path = pipeline(tmp_path, corpus, references=references)
    assert main(["run", str(path)]) == 0
    run = tmp_path / "run"
    work = {name: run / "work" / name for name in ("rsft", "gold", "unfiltered")}
    rsft_rounds = metric_lines(run, "rsft")
    kept = [len(jsonl(work["rsft"] / f"round-00{n}" / "kept.jsonl")) for n in (1, 2)]
    assert kept == [m["kept"] for m in rsft_rounds[1:]] and all(kept)
    problems = {p.name: p for p in resolve_suite("rust-tasks-train").problems[:2]}

    for arm in ("gold", "unfiltered"):
        logged = metric_lines(run, arm)
        # --- the same held-out metric names per round as the rsft stage, the same start
        assert [m["step"] for m in logged] == [0, 1, 2]
        for ours, theirs in zip(logged, rsft_rounds, strict=True):
            assert {k for k in ours if k.startswith("heldout_")} == {k for k in theirs if k.startswith("heldout_")}
        assert {k: v for k, v in logged[0].items() if k.startswith("heldout_")} == {
            k: v for k, v in rsft_rounds[0].items() if k.startswith("heldout_")}
        assert "heldout_pass_mcnemar_p" in logged[2] and "heldout_compile_mcnemar_p" in logged[2]
        heldout = [p.name for p in resolve_suite("rust-tasks-heldout").problems[:2]]
        for number in (0, 1, 2):
            verdicts = jsonl(work[arm] / f"round-00{number}" / "heldout.jsonl")
            assert [v["problem"] for v in verdicts] == heldout
        assert jsonl(work[arm] / "round-000" / "heldout.jsonl") == jsonl(work["rsft"] / "round-000" / "heldout.jsonl")
        summary = json.loads((run / "stages" / arm / "stage.json").read_text())["metrics"]
        assert summary["final_heldout_pass_at_1"] == logged[2]["heldout_pass_at_1"]
        assert summary["start_heldout_compile_rate"] == rsft_rounds[0]["heldout_compile_rate"]
        assert summary["added_total"] == sum(kept)

        # --- the same budget per round: as many records added as rsft kept, accumulated alike, same steps
        assert [m["added"] for m in logged[1:]] == kept
        assert [m["train_records"] for m in logged[1:]] == [m["train_records"] for m in rsft_rounds[1:]]
        assert [m["steps"] for m in logged[1:]] == [m["steps"] for m in rsft_rounds[1:]]
        # --- from the same starting model, through the same trainer path
        args = json.loads((work[arm] / "round-001" / "train-out" / "trainer_args.json").read_text())
        assert args["sigil"]["warm_start"] == str(run / "stages" / "sft" / "adapter")
        assert metric_lines(run, f"{arm}-round2")  # the trainer's own metrics, per round

    # --- gold: the reference programs of the training prompts, distinct until every prompt was used
    gold = [jsonl(work["gold"] / f"round-00{n}" / "added.jsonl") for n in (1, 2)]
    for record in gold[0] + gold[1]:
        problem = problems[record["id"].split("/")[1]]
        assert record["source"] == "gold" and record["content"] == assemble(problem, problem.reference)
    assert len({r["id"] for r in gold[0] + gold[1]}) == sum(kept)
    assert jsonl(work["gold"] / "round-002" / "train.jsonl") == gold[0] + gold[1]  # accumulate
    # --- gold with references: the same prompts, the other suite's programs, in the same order
    corpus_arm = [jsonl(run / "work" / "corpus" / f"round-00{n}" / "added.jsonl") for n in (1, 2)]
    assert [r["id"] for r in corpus_arm[0] + corpus_arm[1]] == [r["id"] for r in gold[0] + gold[1]]
    for record in corpus_arm[0] + corpus_arm[1]:
        problem = problems[record["id"].split("/")[1]]
        assert record["content"] == assemble(problem, "    unimplemented!()\n") != assemble(problem, problem.reference)

    # --- unfiltered: the arm's own samples of the same prompts, picked without any verification
    for number in (1, 2):
        samples = jsonl(work["unfiltered"] / f"round-00{number}" / "samples.jsonl")
        assert len(samples) == 2 * 2 and {s["problem"] for s in samples} == set(problems)
        programs = {assemble(problems[s["problem"]], s["completion"]) for s in samples}
        added = jsonl(work["unfiltered"] / f"round-00{number}" / "added.jsonl")
        assert len(added) == kept[number - 1] and all(r["content"] in programs for r in added)
    # round 1 samples the shared start with the rsft round's seed: the very samples rsft verified
    assert (work["unfiltered"] / "round-001" / "samples.jsonl").read_text() == (work["rsft"] / "round-001" / "samples.jsonl").read_text()

    # --- a crash during round 2 resumes at round 2; round 1 is not redone
    (work["gold"] / "round-002" / "round.json").unlink()
    round1 = (work["gold"] / "round-001" / "train.jsonl").stat().st_mtime_ns
    assert main(["run", str(path), "--only", "gold"]) == 0
    assert (work["gold"] / "round-001" / "train.jsonl").stat().st_mtime_ns == round1
    assert [m["step"] for m in metric_lines(run, "gold")] == [0, 1, 2, 0, 2]
    assert (work["gold"] / "round-002" / "round.json").exists()


def test_gold_without_reference_programs_is_refused_before_any_work(tmp_path, corpus, prompts_file, capsys):
    path = pipeline(tmp_path, corpus, generate={**GENERATE, "prompts": str(prompts_file)})
    assert main(["run", str(path)]) == 1
    err = capsys.readouterr().err
    assert "stages[3] (gold): rsft-control arm gold: generate.prompts" in err and "has no reference programs" in err
    assert not (tmp_path / "run" / "stages").exists()


@pytest.mark.parametrize(("options", "message"), [
    ({"arm": "unfiltered", "references": "rust-tasks-scraped"}, "references is for arm gold, not arm unfiltered"),
    ({"arm": "gold", "references": "no-such-suite"}, "rsft-control references: "),
    ({"arm": "gold", "references": "MISSING"}, "has no problem 'train-00001-"),
    ({"arm": "gold", "references": "OTHER"}, "has another prompt than in generate.prompts"),
])
def test_references_that_do_not_match_the_training_prompts_are_refused_before_any_work(tmp_path, corpus, capsys,
                                                                                      options, message):
    train = resolve_suite("rust-tasks-train").problems[:2]
    if options["references"] == "MISSING":
        options = {**options, "references": str(references_file(tmp_path / "r.jsonl", train[:1]))}
    if options["references"] == "OTHER":
        options = {**options, "references": str(references_file(tmp_path / "r.jsonl", train, prompt="fn other() {\n"))}
    stages = [{"name": "rsft", "type": "rsft"}, {"name": "corpus", "type": "rsft-control", "options": options}]
    path = write_pipeline(tmp_path / "p.yaml", stages, rsft=RSFT, generate=GENERATE)
    assert main(["run", str(path)]) == 1
    err = capsys.readouterr().err
    assert "stages[1] (corpus): " in err and message in err, err
    assert not (tmp_path / "run" / "stages").exists()


def test_a_control_arm_needs_a_heldout_set(tmp_path, corpus, capsys):
    stages = [{"name": "rsft", "type": "rsft"}, {"name": "gold", "type": "rsft-control", "options": {"arm": "gold"}}]
    path = write_pipeline(tmp_path / "p.yaml", stages, rsft={**RSFT, "heldout": None}, generate=GENERATE)
    assert main(["run", str(path)]) == 1
    assert "rsft-control: rsft.heldout is not set" in capsys.readouterr().err


def test_a_control_arm_refuses_a_budget_other_than_the_rsft_stages(tmp_path, corpus):
    path = pipeline(tmp_path, corpus)
    secret = "generate.openai.api_key=sk-not-in-artifacts"
    theirs = budget(load_config(path, [secret]))
    same = budget(load_config(path, [secret]))
    check_same_budget(SimpleNamespace(name="gold"), SimpleNamespace(name="rsft"), theirs, same)
    other = budget(load_config(path, [secret, "rsft.train_steps=3", "train.lr=0.5"]))
    with pytest.raises(ConfigError, match=r"differs from the rsft stage 'rsft' in rsft.train_steps, train.lr; "):
        check_same_budget(SimpleNamespace(name="gold"), SimpleNamespace(name="rsft"), theirs, other)
    # the keep rule is RSFT's own; and no setting's value is written into the rsft stage's start.json
    check_same_budget(SimpleNamespace(name="gold"), SimpleNamespace(name="rsft"), theirs,
                      budget(load_config(path, [secret, "rsft.max_per_prompt=1"])))
    assert "sk-not-in-artifacts" not in json.dumps(theirs)
