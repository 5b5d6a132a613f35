"""sigil-generate: sample completions from a model (base or fine-tuned adapter) and improve it by
rejection-sampling fine-tuning (generate → verify → keep the good → fine-tune, for several rounds).

Registered through the ``sigil`` entry-point group (``sigil_generate.plugin``); nothing here imports torch at
import time, so ``sigil plugins`` and config validation stay fast.
"""

__version__ = "0.1.0"
