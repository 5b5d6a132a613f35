"""Evaluating model-written Rust: extraction, pre-filter, sandboxed compile + clippy, scorers, metrics."""
