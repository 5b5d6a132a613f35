"""Run reports: what each stage produced, and evaluation metrics against the targets users chase."""
