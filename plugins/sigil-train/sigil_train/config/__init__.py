"""The config sections this plugin owns: ``train``, ``lora``, ``bnb_4bit`` and ``grpo``."""

from sigil_train.config.sections import Bnb4bitSection, GrpoSection, LoraSection, TrainSection

__all__ = ["Bnb4bitSection", "GrpoSection", "LoraSection", "TrainSection"]
