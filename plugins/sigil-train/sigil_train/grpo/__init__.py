"""The ``grpo`` stage: online RL on TRL's GRPOTrainer with rewards from sigil's evaluator (docs/grpo.md)."""
