"""sigil-wandb: a sigil run logged to Weights & Biases (config, metrics by stage and round, artifacts by reference)."""

from sigil_wandb.plugin import KEY_FIGURES, WandbSection

__version__ = "0.1.0"

__all__ = ["KEY_FIGURES", "WandbSection", "__version__"]
