"""Sweeps: run one pipeline over a grid of config values and compare the results."""
