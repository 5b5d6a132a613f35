"""The generator protocol lives in the core (:mod:`sigil.generation`); re-exported for this plugin's modules."""

from sigil.generation import Generator, Job, SamplingSettings

__all__ = ["Generator", "Job", "SamplingSettings"]
