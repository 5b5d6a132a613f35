"""``type: grpo`` end to end through the real CLI on a tiny CPU model: sft → grpo, rewards from the sandboxed
evaluator, checkpoints, resume after an interrupt, and a forced re-run that trains no step past max_steps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_pipeline
from corpus import write_jsonl

import sigil
from sigil.cli import main
from sigil.plugins import register_plugin, unregister_plugin
from sigil.tasks.builtin import train_suite

pytestmark = [pytest.mark.slow, pytest.mark.torch]

GRPO = {"prompts": "rust-tasks-train", "limit": 4, "num_generations": 2, "prompts_per_step": 1,
        "max_completion_length": 12, "max_steps": 2, "lr": 1e-3, "beta": 0.04, "loss_type": "dr_grpo"}


@pytest.fixture
def pipeline(tmp_path: Path) -> Path:
    # the training split: reference programs of the tasks GRPO practises on (raw code, so prompts are continued)
    programs = [p.prompt + (p.reference or "") + p.tests for p in train_suite().problems[:40]]
    train = write_jsonl(tmp_path / "in" / "train.jsonl", [{"task": "code", "content": text} for text in programs])
    return write_pipeline(
        tmp_path / "p.yml", train, None,
        stages=[{"name": "sft", "type": "sft", "inputs": {"dataset": "data"}},
                {"name": "grpo", "type": "grpo", "options": {"warm_start": "sft"}}],
        train={"max_steps": 2, "eval_every": 0, "save_every": 1, "micro_batch_size": 2, "gradient_checkpointing": False},
        lora={"r": 4, "alpha": 8, "target_modules": ["q_proj", "v_proj"]},
        grpo=GRPO, eval={"cache_dir": None},
    )


def logged(run: Path, stage: str) -> list[dict]:
    lines = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    return [line for line in lines if line["stage"] == stage]


class InterruptAtGrpoStep2:
    fired = False

    @sigil.hookimpl
    def on_metrics(self, run_dir, stage, step, metrics):
        if stage == "grpo" and step == 2 and "loss" in metrics and not InterruptAtGrpoStep2.fired:
            InterruptAtGrpoStep2.fired = True
            raise KeyboardInterrupt


def test_grpo_runs_resumes_and_logs_its_rewards(tmp_path: Path, pipeline: Path):
    run = tmp_path / "run"
    name = register_plugin(InterruptAtGrpoStep2(), name="interrupt-grpo-2")
    try:
        assert main(["run", str(pipeline)]) == 130  # interrupted while logging step 2, before its checkpoint
    finally:
        unregister_plugin(name)
    assert (run / "work" / "grpo" / "checkpoints" / "checkpoint-1").exists()
    assert not (run / "stages" / "grpo").exists()

    assert main(["run", str(pipeline)]) == 0  # sft is up to date; grpo resumes from checkpoint-1
    stage = json.loads((run / "stages" / "grpo" / "stage.json").read_text())["metrics"]
    assert (stage["steps"], stage["resumed_from_step"]) == (2, 1)
    assert stage["reward_calls"] == 1 and stage["completions_verified"] == 2  # one evaluator call for step 2's group
    assert 0 < stage["reward_time_share"] < 1 and stage["reward_completions_per_s"] > 0
    # first/last over the whole run: step 1 (before the interrupt) and step 2
    rewards_logged = {m["step"]: m["reward"] for m in logged(run, "grpo") if "reward" in m}
    assert (stage["first_reward"], stage["last_reward"]) == (rewards_logged[1], rewards_logged[2])

    args = json.loads((run / "stages" / "grpo" / "trainer_args.json").read_text())
    trainer = args["trainer"]
    assert (trainer["loss_type"], trainer["num_generations"], trainer["beta"]) == ("dr_grpo", 2, 0.04)
    assert (trainer["max_completion_length"], trainer["learning_rate"], trainer["max_steps"]) == (12, 1e-3, 2)
    assert (trainer["per_device_train_batch_size"], trainer["gradient_accumulation_steps"]) == (2, 1)
    assert args["sigil"]["warm_start"] == str(run / "stages" / "sft" / "adapter")
    sft_args = json.loads((run / "stages" / "sft" / "trainer_args.json").read_text())
    assert args["sigil"]["base_model_path"] == sft_args["sigil"]["base_model_path"]  # the sft stage's tiny base

    steps = logged(run, "grpo")
    rewarded = [m for m in steps if "reward" in m]
    assert [m["step"] for m in rewarded] == [1, 2]  # step 1 by the interrupted attempt, 2 by the resumed one
    for m in rewarded:
        for key in ("compile", "tests", "clippy", "idiomatic"):
            assert f"rewards/{key}" in m and f"rewards/{key}_zero_std_groups" in m
        assert "frac_reward_zero_std" in m and "kl" in m
    assert {m["step"] for m in steps if "reward_time_share" in m} == {1, 2}

    # the adapter is the trained one alone (beta > 0 adds TRL's frozen "ref" copy, not saved) and loads on its base
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    adapter = run / "stages" / "grpo" / "adapter"
    assert not (adapter / "ref").exists() and sigil.PromptFormat.read(adapter) == sigil.PromptFormat("raw")
    PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(args["sigil"]["base_model_path"]), str(adapter))

    # a forced re-run takes the finished checkpoint's weights and trains nothing more
    assert main(["run", str(pipeline), "--from", "grpo"]) == 0
    again = json.loads((run / "stages" / "grpo" / "stage.json").read_text())["metrics"]
    assert (again["steps"], again["resumed_from_step"], again["reward_calls"]) == (2, 2, 0)
    # its summary still holds the run's rewards, read from the checkpoint's log
    assert again["first_reward"] == stage["first_reward"] and again["last_reward"] == stage["last_reward"]


def test_grpo_config_is_checked_before_any_stage_runs(tmp_path: Path, pipeline: Path, capsys):
    bad = write_pipeline(tmp_path / "bad.yml", tmp_path / "in" / "train.jsonl", None,
                         stages=[{"name": "grpo", "type": "grpo"}],
                         grpo={**GRPO, "rewards": {"compile": 1.0, "nope.metric": 1.0}})
    assert main(["run", str(bad)]) == 1
    assert "grpo.rewards: " in capsys.readouterr().err and not (tmp_path / "run" / "stages" / "data").exists()
    bad = write_pipeline(tmp_path / "bad.yml", tmp_path / "in" / "train.jsonl", None,
                         stages=[{"name": "grpo", "type": "grpo"}], grpo={**GRPO, "loss_type": "ppo"})
    assert main(["validate", str(bad)]) == 1
    assert "grpo.loss_type" in capsys.readouterr().err
