"""What a trainer is: the core's protocol (``sigil.training``), re-exported for this plugin's modules."""

from sigil import Trainer, TrainOutcome, TrainRequest

__all__ = ["TrainOutcome", "TrainRequest", "Trainer"]
