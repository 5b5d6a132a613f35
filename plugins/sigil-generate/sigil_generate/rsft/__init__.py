"""Rejection-sampling fine-tuning: verify samples, keep the good ones, turn them into training records."""

from sigil_generate.rsft.keep import KeepResult, Verdict, select

__all__ = ["KeepResult", "Verdict", "select"]
