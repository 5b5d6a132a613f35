"""The plugin module named by the ``sigil`` entry point: registers sections, the trainer, the stages, commands."""

from __future__ import annotations

from typing import Any

import sigil
from sigil import Register
from sigil_train.config import Bnb4bitSection, GrpoSection, LoraSection, TrainSection


@sigil.hookimpl
def register_config_sections(register: Register) -> None:
    register("train", TrainSection)
    register("lora", LoraSection)
    register("bnb_4bit", Bnb4bitSection)
    register("grpo", GrpoSection)


@sigil.hookimpl
def register_trainers(register: Register) -> None:
    from sigil_train.trainer.trl_trainer import TrlTrainer

    register("trl", TrlTrainer(), reads=("model_name", "dataset", "train", "lora", "bnb_4bit"))


@sigil.hookimpl
def register_stages(register: Register) -> None:
    from sigil_train.data.stage import SftDataStage
    from sigil_train.grpo.stage import GrpoStage
    from sigil_train.stage import SftStage

    register("sft", SftStage)
    register("sft_data", SftDataStage)
    register("grpo", GrpoStage)


@sigil.hookimpl
def register_commands(cli: Any) -> None:
    from sigil_train.export.command import add_export_command

    add_export_command(cli)
