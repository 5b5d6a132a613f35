"""The ``rsft`` stage end to end on the tiny CPU model: real sampling, the real evaluator, the real trainer."""

from __future__ import annotations

import json

import pytest
from conftest import write_pipeline

from sigil.cli import main
from sigil.evaluation.samples import read_samples
from sigil.functional import resolve_suite

pytestmark = [pytest.mark.torch, pytest.mark.slow]

import sigil_evaluator  # noqa: E402,F401  (a hard dependency of sigil)

TRAIN = {"adapter": "lora", "max_steps": 2, "micro_batch_size": 2, "grad_accum": 1, "lr": 1e-2,
         "dataloader_num_workers": 0, "tokenize_workers": 1, "eval_every": 0, "save_every": 100}
# the syntax-tree scorers are the evaluator's business; compile + clippy make the quality score here
EVAL = {"scorers": ["compile", "clippy"], "cache_dir": None}
# a random tiny model writes nothing that compiles: keep by quality alone, so every round trains
RSFT = {"rounds": 2, "samples_per_prompt": 3, "min_quality": 0.0, "require_compile": False, "max_per_prompt": 2,
        "train_steps": 1, "accumulate": True}


def pipeline(tmp_path, corpus, **config):
    stages = [
        {"name": "data", "type": "fixture_data", "options": {"train": str(corpus)}},
        {"name": "sft", "type": "sft", "inputs": {"dataset": "data"}},
        {"name": "rsft", "type": "rsft"},
    ]
    merged = {"train": TRAIN, "lora": {"r": 4, "alpha": 8}, "eval": EVAL, "rsft": RSFT,
              "generate": {"prompts": "sigil-basic", "limit": 2, "max_new_tokens": 16, "batch_size": 6}}
    for key, value in config.items():
        merged[key] = {**merged.get(key, {}), **value}
    return write_pipeline(tmp_path / "p.yaml", stages, **merged)


def metric_lines(run_dir, stage="rsft"):
    lines = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    return [line for line in lines if line["stage"] == stage]


def test_rounds_generate_verify_keep_and_train_from_the_previous_adapter(tmp_path, corpus):
    path = pipeline(tmp_path, corpus)
    assert main(["run", str(path)]) == 0
    run = tmp_path / "run"
    out, work = run / "stages" / "rsft", run / "work" / "rsft"

    # --- per-round metrics, logged with step = round
    rounds = metric_lines(run)
    assert [m["step"] for m in rounds] == [1, 2]
    for m in rounds:
        assert m["samples"] == 2 * 3 and m["kept"] == 2 * 2 and m["compile_rate"] == 0.0
        assert m["avg_quality"] is not None and m["trained"] and m["rejected_over_max_per_prompt"] == 2
        assert m["kept_fallback"] == 0  # logged whether or not rsft.fallback_compile is on
    assert [m["train_records"] for m in rounds] == [4, 8]  # accumulate: round 2 trains on both rounds' keeps
    assert metric_lines(run, "rsft-round2")  # the trainer's own metrics, per round

    # --- round 1 starts from the sft adapter, round 2 from round 1's
    def load_from(number):
        args = json.loads((work / f"round-00{number}" / "train-out" / "trainer_args.json").read_text())
        return args["sigil"]["warm_start"], args["trainer"]["max_steps"]  # train.max_steps is 2: rsft.train_steps wins

    assert load_from(1) == (str(run / "stages" / "sft" / "adapter"), 1)
    assert load_from(2) == (str(work / "round-001" / "train-out" / "adapter"), 1)
    # the steps and the warm start travel in the TrainRequest: the config the trainer reads is the user's
    card = (work / "round-002" / "train-out" / "adapter" / "README.md").read_text()
    assert "max_steps: 2\n" in card and "load_from: null" in card

    # --- artifacts: the last adapter, the last round's samples, the round history
    assert (out / "adapter" / "adapter_config.json").exists()
    assert (out / "samples.jsonl").read_text() == (work / "round-002" / "samples.jsonl").read_text()
    assert len(read_samples(out / "samples.jsonl")) == 6
    assert [r["round"] for r in json.loads((out / "rounds.json").read_text())] == [1, 2]
    kept = [json.loads(line) for line in (work / "round-001" / "kept.jsonl").read_text().splitlines()]
    assert all(r["source"] == "rsft" and r["task"] == "code" and r["content"].startswith("/// ") for r in kept)

    # --- a crash during round 2 resumes at round 2; round 1 is not redone
    (work / "round-002" / "round.json").unlink()
    round1 = (work / "round-001" / "samples.jsonl").stat().st_mtime_ns
    assert main(["run", str(path), "--only", "rsft"]) == 0
    assert (work / "round-001" / "samples.jsonl").stat().st_mtime_ns == round1
    assert [m["step"] for m in metric_lines(run)] == [1, 2, 2]  # only round 2 logged again
    assert (work / "round-002" / "round.json").exists()

    # --- another config discards the old rounds
    changed = pipeline(tmp_path, corpus, rsft={"max_per_prompt": 1})
    assert main(["run", str(changed)]) == 0
    assert (work / "round-001" / "samples.jsonl").stat().st_mtime_ns != round1
    assert [m["kept"] for m in metric_lines(run)[-2:]] == [2, 2]


def test_nothing_kept_from_the_base_model_is_a_clear_error(tmp_path, corpus, capsys):
    stages = [{"name": "rsft", "type": "rsft"}]
    path = write_pipeline(tmp_path / "p.yaml", stages, train=TRAIN, eval=EVAL,
                          rsft={**RSFT, "rounds": 1, "min_quality": 0.99, "require_compile": True},
                          generate={"prompts": "sigil-basic", "limit": 1, "max_new_tokens": 8})
    assert main(["run", str(path)]) == 1
    assert "no sample was kept in any of 1 rounds" in capsys.readouterr().err
    assert not (tmp_path / "run" / "stages" / "rsft").exists()


def test_heldout_problems_are_evaluated_before_and_after_every_round(tmp_path, corpus):
    rsft = {**RSFT, "heldout": "rust-tasks-heldout", "heldout_limit": 3, "train_epochs": 1.0}
    path = pipeline(tmp_path, corpus, rsft=rsft, generate={"prompts": "rust-tasks-train", "limit": 2})
    assert main(["run", str(path)]) == 0
    run = tmp_path / "run"
    work = run / "work" / "rsft"
    logged = metric_lines(run)
    assert [m["step"] for m in logged] == [0, 1, 2]
    assert logged[0]["heldout_problems"] == 3 and "heldout_pass_mcnemar_p" not in logged[0]
    for m in logged:
        # every held-out program that did not build is counted under its error kind
        assert sum(m["heldout_error_types"].values()) == round(3 * (1 - m["heldout_compile_rate"]))
        assert isinstance(m["heldout_error_codes"], dict) and isinstance(m["heldout_clippy_lints"], dict)
    for m in logged[1:]:
        assert m["heldout_problems"] == 3 and 0.0 <= m["heldout_compile_rate"] <= 1.0
        assert isinstance(m["error_codes"], dict)  # the round's own samples
        assert m["heldout_pass_mcnemar_p"] <= 1.0 and len(m["heldout_pass_at_1_ci95"]) == 2
    for number in (0, 1, 2):
        verdicts = [json.loads(line) for line in (work / f"round-00{number}" / "heldout.jsonl").read_text().splitlines()]
        assert [v["problem"] for v in verdicts] == [p.name for p in resolve_suite("rust-tasks-heldout").problems[:3]]
        assert all(isinstance(v["error_codes"], list) and "lints" in v for v in verdicts)
        assert all(v["error_kind"] for v in verdicts if v["status"] == "compile_error")
    # the final metrics describe the model after the last round, the start ones the model before the first
    final = json.loads((run / "stages" / "rsft" / "stage.json").read_text())["metrics"]
    assert final["final_heldout_compile_rate"] == logged[2]["heldout_compile_rate"]
    assert final["start_heldout_pass_at_1"] == logged[0]["heldout_pass_at_1"]
    # epochs over the kept records set the steps
    args = json.loads((work / "round-001" / "train-out" / "trainer_args.json").read_text())
    assert (args["sigil"]["epochs"], args["trainer"]["num_train_epochs"], args["trainer"]["max_steps"]) == (1.0, 1.0, -1)
    assert logged[1]["steps"] == args["sigil"]["steps"]  # the steps counted ahead are the steps transformers took
    # the run report draws the held-out curves of this stage and tabulates what failed, by round
    assert main(["report", str(run), "--html", str(tmp_path / "report.html")]) == 0
    page = (tmp_path / "report.html").read_text()
    assert page.count("<title>rsft</title></polyline>") == 2 and "completed</div>" in page
    assert "rsft <code>heldout_error_types</code>" in page


def test_a_heldout_set_that_shares_prompts_with_training_is_refused_before_any_work(tmp_path, corpus, capsys):
    path = pipeline(tmp_path, corpus, rsft={**RSFT, "heldout": "sigil-basic"})
    assert main(["run", str(path)]) == 1
    assert "rsft.heldout: 2 of its prompts are also RSFT prompts" in capsys.readouterr().err
    assert not (tmp_path / "run" / "stages" / "data").exists()


def test_finished_rounds_are_kept_under_the_stage_fingerprint_only(tmp_path, corpus, prompts_file):
    """Issue #9: finished rounds were keyed by a hand-made list of config keys, with ``generate.prompts`` by its path:
    an edited prompts file re-ran the stage, which skipped its finished round and published the old prompts'
    samples. Now the key is the stage's fingerprint, which hashes the file's content."""
    path = pipeline(tmp_path, corpus, rsft={"rounds": 1}, generate={"prompts": str(prompts_file), "limit": 2})
    run = tmp_path / "run"
    assert main(["run", str(path)]) == 0
    problems = sorted({s.problem for s in read_samples(run / "stages" / "rsft" / "samples.jsonl")})
    assert problems == ["add", "sum"]

    rows = [json.loads(line) for line in prompts_file.read_text().splitlines()]
    rows[0] = {"id": "double", "prompt": "Write a Rust function that doubles a number."}
    prompts_file.write_text("".join(json.dumps(row) + "\n" for row in rows))
    assert main(["run", str(path)]) == 0
    problems = sorted({s.problem for s in read_samples(run / "stages" / "rsft" / "samples.jsonl")})
    assert problems == ["double", "sum"]
    assert [m["step"] for m in metric_lines(run)] == [1, 1]  # round 1 ran again
