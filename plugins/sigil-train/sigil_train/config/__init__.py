"""The config sections this plugin owns: ``train``, ``lora`` and ``bnb_4bit``."""

from sigil_train.config.sections import Bnb4bitSection, LoraSection, TrainSection

__all__ = ["Bnb4bitSection", "LoraSection", "TrainSection"]
