"""Base models: the tiny random-init path and loading any causal LM (quantised or not) with its adapter."""
