"""sigil-train: the training plugin of sigil (QLoRA, LoRA or full SFT of causal language models).

Registered through the ``sigil`` entry point group (``sigil_train.plugin``); nothing here imports torch at
import time, so ``sigil plugins`` and config validation stay fast.
"""

__version__ = "0.1.0"
