"""End to end through the real CLI, in-process: phase 1 → phase 2, resume after an interrupt, export."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import write_pipeline
from corpus import records, write_jsonl

import sigil
from sigil.cli import main
from sigil.plugins import register_plugin, unregister_plugin

pytestmark = [pytest.mark.slow, pytest.mark.torch]


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, Path]:
    return (write_jsonl(tmp_path / "in" / "train.jsonl", records(80, long_every=9)),
            write_jsonl(tmp_path / "in" / "validation.jsonl", records(10, seed=1)))


def metrics(run: Path, stage: str) -> list[dict]:
    lines = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    return [line for line in lines if line["stage"] == stage]


def test_phase1_then_phase2_warm_start(tmp_path: Path, data):
    run = tmp_path / "run"
    adapter1 = run / "stages" / "phase1" / "adapter"
    pipeline = write_pipeline(
        tmp_path / "p.yml", *data,
        stages=[{"name": "phase1", "type": "sft", "inputs": {"dataset": "data"}, "options": {"phase": 1}},
                {"name": "phase2", "type": "sft", "inputs": {"dataset": "data"},
                 "options": {"phase": 2, "warm_start": "phase1"},
                 "overrides": {"train": {"lr": 5e-4, "max_steps": 2},
                               "max_seq_len": 64}}],
        train={"tokenize_workers": 2, "clear_cache_every_n_steps": 2},
        lora={"r": 4, "alpha": 8, "target_modules": "q_proj;v_proj"},
    )
    assert main(["run", str(pipeline)]) == 0
    phase1 = json.loads((run / "stages" / "phase1" / "stage.json").read_text())
    phase2 = json.loads((run / "stages" / "phase2" / "stage.json").read_text())
    assert phase1["metrics"]["steps"] == 4 and phase2["metrics"]["steps"] == 2
    assert phase1["metrics"]["cache_clears"] == 2
    args1 = json.loads((run / "stages" / "phase1" / "trainer_args.json").read_text())
    args2 = json.loads((run / "stages" / "phase2" / "trainer_args.json").read_text())
    assert args1["sigil"]["lora_config"]["r"] == 4 and sorted(args1["sigil"]["lora_config"]["target_modules"]) == ["q_proj", "v_proj"]
    assert args1["sigil"]["tokenize_workers"] == 2 and args1["sigil"]["pack"] is True
    assert args1["sigil"]["data"]["train"]["chunked_records"] > 0
    assert (args2["trainer"]["learning_rate"], args2["trainer"]["max_length"]) == (5e-4, 64)
    assert args2["sigil"]["warm_start"] == str(adapter1)
    assert args2["sigil"]["base_model_path"] == args1["sigil"]["base_model_path"]  # same tiny base
    # phase 2 reuses nothing of phase 1's tokenization: max_seq_len differs, so does the cache key
    assert args2["sigil"]["data"]["train"]["cache_key"] != args1["sigil"]["data"]["train"]["cache_key"]
    logged = metrics(run, "phase1")
    assert [m["step"] for m in logged if "loss" in m] == [1, 2, 3, 4]
    assert all("lr" in m and "tokens_per_s" in m for m in logged if "loss" in m)
    assert any("eval_loss" in m for m in logged)
    card = (adapter1 / "README.md").read_text()
    assert card.startswith("---\nbase_model: sigil-tiny:llama\nlibrary_name: peft")
    assert "(phase 1)" in card and "## Training curve" in card
    # the adapter loads onto its base and the second phase started from the first
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(args1["sigil"]["base_model_path"])
    PeftModel.from_pretrained(base, str(run / "stages" / "phase2" / "adapter"))

    # a second run is a no-op; the tokenization cache is hit when a stage does run again
    assert main(["run", str(pipeline), "--from", "phase1"]) == 0
    args1 = json.loads((run / "stages" / "phase1" / "trainer_args.json").read_text())
    assert args1["sigil"]["data"]["train"]["cache"] == "hit"

    # export merges the last sft stage into its base
    out = tmp_path / "merged"
    assert main(["export", str(run), "--out", str(out), "--dtype", "float32"]) == 0
    assert (out / "model.safetensors").exists() and "library_name: transformers" in (out / "README.md").read_text()
    # code mixed with instruct pairs taught the instruct template: each adapter and the exported model say so
    trained = [sigil.PromptFormat.read(path) for path in (adapter1, run / "stages" / "phase2" / "adapter", out)]
    assert trained == [sigil.PromptFormat("instruct", sigil.DEFAULT_PROMPT_TEMPLATE)] * 3


class InterruptAtStep5:
    fired = False

    @sigil.hookimpl
    def on_metrics(self, run_dir, stage, step, metrics):
        if stage == "sft" and step == 5 and "loss" in metrics and not InterruptAtStep5.fired:
            InterruptAtStep5.fired = True
            raise KeyboardInterrupt


def test_interrupted_run_resumes_from_its_checkpoint_and_matches_an_uninterrupted_one(tmp_path: Path, data):
    train = {"max_steps": 6, "save_every": 2, "eval_every": 0, "adapter": "full", "lr": 1e-3}
    straight = write_pipeline(tmp_path / "a" / "p.yml", *data, train=train)
    assert main(["run", str(straight)]) == 0

    resumed = write_pipeline(tmp_path / "b" / "p.yml", *data, train=train)
    name = register_plugin(InterruptAtStep5(), name="interrupt-at-5")
    try:
        assert main(["run", str(resumed)]) == 130
    finally:
        unregister_plugin(name)
    run_b = tmp_path / "b" / "run"
    assert (run_b / "work" / "sft" / "checkpoints" / "checkpoint-4").exists()
    assert not (run_b / "stages" / "sft").exists()
    assert main(["run", str(resumed)]) == 0
    stage = json.loads((run_b / "stages" / "sft" / "stage.json").read_text())
    assert stage["metrics"]["resumed_from_step"] == 4
    after = [m for m in metrics(run_b, "sft") if "loss" in m]
    # 1-4 written by the first attempt (interrupted while logging step 5, whose checkpoint was never saved),
    # 5-6 by the resumed one, which started from checkpoint-4
    assert [m["step"] for m in after] == [1, 2, 3, 4, 5, 6]
    losses_a = {m["step"]: m["loss"] for m in metrics(tmp_path / "a" / "run", "sft") if "loss" in m}
    losses_b = {m["step"]: m["loss"] for m in after}
    assert losses_b == pytest.approx(losses_a, rel=1e-5)


def test_streaming_tokenizes_without_writing_the_cache(tmp_path: Path, data, monkeypatch):
    cache = tmp_path / "fresh-cache"
    monkeypatch.setenv("SIGIL_CACHE_DIR", str(cache))
    pipeline = write_pipeline(tmp_path / "p.yml", *data, train={"max_steps": 1, "streaming": True})
    assert main(["run", str(pipeline)]) == 0
    args = json.loads((tmp_path / "run" / "stages" / "sft" / "trainer_args.json").read_text())
    assert args["sigil"]["data"]["train"]["cache"] == "off"
    assert not (cache / "tokenized").exists()


def test_qlora_without_a_gpu_is_a_clear_error(tmp_path: Path, data, capsys):
    pipeline = write_pipeline(tmp_path / "p.yml", *data, train={"adapter": "qlora"})
    assert main(["run", str(pipeline)]) == 1
    assert "train.adapter: qlora needs a CUDA GPU" in capsys.readouterr().err


def test_malformed_training_data_names_file_and_line(tmp_path: Path, data, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"content": "fn a() {}", "task": "code"}\n{"content": 3}\n')
    pipeline = write_pipeline(tmp_path / "p.yml", bad, None)
    assert main(["run", str(pipeline)]) == 1
    err = capsys.readouterr().err
    assert "train.jsonl:2: field 'content' must be a string" in err


def test_warm_start_and_load_from_conflict(tmp_path: Path, data, capsys):
    pipeline = write_pipeline(
        tmp_path / "p.yml", *data,
        stages=[{"name": "phase1", "type": "sft", "inputs": {"dataset": "data"}},
                {"name": "phase2", "type": "sft", "inputs": {"dataset": "data"}, "options": {"warm_start": "phase1"},
                 "overrides": {"misc": {"load_from": "somewhere"}}}],  # the reference spelling of train.load_from
    )
    assert main(["validate", str(pipeline)]) == 1
    assert "stages[2] (phase2): options.warm_start and train.load_from both name a starting point" in capsys.readouterr().err


def test_a_forced_rerun_of_a_finished_stage_does_not_train_past_max_steps(tmp_path: Path, data):
    """Issue #9: a re-run resumed from the final checkpoint and took one more step (31 for 30), each time."""
    pipeline = write_pipeline(tmp_path / "p.yml", *data, train={"max_steps": 4, "save_every": 2, "eval_every": 0})
    run = tmp_path / "run"
    assert main(["run", str(pipeline)]) == 0
    first = json.loads((run / "stages" / "sft" / "stage.json").read_text())["metrics"]
    for _ in range(2):
        assert main(["run", str(pipeline), "--force"]) == 0
        again = json.loads((run / "stages" / "sft" / "stage.json").read_text())["metrics"]
        assert again["steps"] == 4 and again["resumed_from_step"] == 4
        state = json.loads((run / "work" / "sft" / "checkpoints" / "checkpoint-4" / "trainer_state.json").read_text())
        assert state["global_step"] == 4
        assert not list((run / "work" / "sft" / "checkpoints").glob("checkpoint-5"))
    assert first["steps"] == 4


def test_checkpoints_resume_under_the_stage_fingerprint_only(tmp_path: Path, data):
    """Issue #9: checkpoints were keyed by a hand-made list (``train.load_from`` by its path), so a warm start
    retrained in place resumed checkpoints made from the old weights. Now the key is the stage's fingerprint: what it
    sees (the warm start's content) starts afresh, what it does not (where the run directory lives) still resumes."""
    start = tmp_path / "start.yml"
    warm = tmp_path / "warm-start"

    def make_warm_start(lr: float) -> None:
        write_pipeline(start, *data, train={"max_steps": 2, "eval_every": 0, "lr": lr},
                       misc={"output_dir": str(tmp_path / "start-run"), "seed": 7})
        assert main(["run", str(start), "--force"]) == 0
        shutil.rmtree(warm, ignore_errors=True)
        shutil.copytree(tmp_path / "start-run" / "stages" / "sft" / "adapter", warm)

    def sft_metrics(run: Path) -> dict:
        return json.loads((run / "stages" / "sft" / "stage.json").read_text())["metrics"]

    make_warm_start(lr=1e-3)
    train = {"max_steps": 4, "save_every": 2, "eval_every": 0, "load_from": str(warm)}
    pipeline = write_pipeline(tmp_path / "a" / "p.yml", *data, train=train)
    run = tmp_path / "a" / "run"
    assert main(["run", str(pipeline)]) == 0
    assert sft_metrics(run)["resumed_from_step"] is None

    # --- the same path, other weights: the stage re-runs and must not resume checkpoints trained from the old ones
    make_warm_start(lr=5e-2)
    assert main(["run", str(pipeline)]) == 0
    assert sft_metrics(run)["resumed_from_step"] is None
    assert sft_metrics(run)["steps"] == 4

    # --- the run directory moved (output_dir is not fingerprinted): an interrupted stage resumes its checkpoints
    moved = tmp_path / "b" / "run"
    shutil.copytree(run, moved)
    shutil.rmtree(moved / "stages" / "sft")  # as if the stage was interrupted after its last checkpoint
    pipeline = write_pipeline(tmp_path / "b" / "p.yml", *data, train=train)
    assert main(["run", str(pipeline)]) == 0
    assert sft_metrics(moved)["resumed_from_step"] == 4
