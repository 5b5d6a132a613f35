"""Trainers registered through ``register_trainers``; the ``sft`` stage picks one by name."""

from sigil_train.trainer.protocol import Trainer, TrainOutcome, TrainRequest

__all__ = ["TrainOutcome", "TrainRequest", "Trainer"]
