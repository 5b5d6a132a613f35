"""``train.num_epochs`` as the alternative to ``max_steps``, and ``train.report_to`` for HF's own integrations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_pipeline
from corpus import records, write_jsonl
from sigil_train.config.sections import REPORT_TO
from sigil_train.trainer.trl_trainer import trainer_arguments

from sigil.cli import main
from sigil.config.loader import validate_config
from sigil.errors import ConfigError


def config(**sections):
    return validate_config(sections, source="test.yml")


def test_steps_or_epochs_exactly_one():
    assert trainer_arguments(config(), 1, False, Path("c"), cuda=False)["max_steps"] == 1000
    args = trainer_arguments(config(train={"num_epochs": 2.5}), 1, False, Path("c"), cuda=False)
    assert (args["max_steps"], args["num_train_epochs"]) == (-1, 2.5)
    assert config(train={"num_train_epochs": 3}).train.num_epochs == 3  # HF's and Axolotl's spelling
    with pytest.raises(ConfigError, match="train: .*set one of them"):
        config(train={"max_steps": 10, "num_epochs": 1})
    # a stage that gives its own run a length (an RSFT round assigns rsft.train_steps) replaces the epochs
    loaded = config(train={"num_epochs": 3})
    loaded.train.max_steps = 5
    assert (loaded.train.max_steps, loaded.train.num_epochs) == (5, None)
    args = trainer_arguments(loaded, 1, False, Path("c"), cuda=False)
    assert (args["max_steps"], args["num_train_epochs"]) == (5, 1.0)


def test_report_to_reaches_the_trainer_and_names_are_checked():
    assert trainer_arguments(config(), 1, False, Path("c"), cuda=False)["report_to"] == "none"
    assert config(train={"report_to": "none"}).train.report_to == []
    loaded = config(train={"report_to": "tensorboard"})
    assert trainer_arguments(loaded, 1, False, Path("c"), cuda=False)["report_to"] == ["tensorboard"]
    with pytest.raises(ConfigError, match="unknown integration 'tensorbord'"):
        config(train={"report_to": ["tensorbord"]})


def test_report_to_names_are_transformers_own():
    from transformers.integrations.integration_utils import INTEGRATION_TO_CALLBACK

    assert set(REPORT_TO) == set(INTEGRATION_TO_CALLBACK) | {"all"}


@pytest.mark.slow
@pytest.mark.torch
def test_epochs_train_whole_passes_and_show_in_card_and_report(tmp_path: Path):
    """12 code records → 12 rows at micro batch 4: 3 steps an epoch, 6 for two; HF's TensorBoard writes too."""
    train = write_jsonl(tmp_path / "in" / "train.jsonl", records(12, instruct_every=0))
    pipeline = write_pipeline(
        tmp_path / "p.yml", train, None,
        stages=[{"name": "sft", "type": "sft", "inputs": {"dataset": "data"}}, {"name": "summary", "type": "report"}],
        train={"max_steps": None, "num_epochs": 2, "micro_batch_size": 4, "eval_every": 0, "save_every": 100,
               "report_to": ["tensorboard"]},
        max_seq_len=512, pack=False,
    )
    assert main(["run", str(pipeline)]) == 0
    run = tmp_path / "run"
    stage = json.loads((run / "stages" / "sft" / "stage.json").read_text())
    assert (stage["metrics"]["steps"], stage["metrics"]["epochs"]) == (6, 2.0)
    args = json.loads((run / "stages" / "sft" / "trainer_args.json").read_text())["trainer"]
    assert (args["max_steps"], args["num_train_epochs"], args["report_to"]) == (-1, 2.0, ["tensorboard"])
    card = (run / "stages" / "sft" / "adapter" / "README.md").read_text()
    assert "2 epochs (6 optimizer steps)" in card
    assert "- epochs: 2.0" in (run / "stages" / "summary" / "report.md").read_text()
    # not a terminal: one plain line per logging step, with its ETA, on stderr and in run.log
    log = (run / "run.log").read_text()
    assert "step 1/6: loss" in log and "step 6/6: loss" in log and ", eta 0:00:00" in log
    # HF's own TensorBoard integration wrote its event file beside the checkpoints
    assert list(run.glob("work/sft/checkpoints/runs/*/events.out.tfevents.*"))
