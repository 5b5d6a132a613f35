"""Stage types of this plugin: ``generate``, ``rsft``, its control arms ``rsft-control``, and ``rsft-heldout`` (another
stage's snapshots measured as an arm of the rsft experiment)."""
