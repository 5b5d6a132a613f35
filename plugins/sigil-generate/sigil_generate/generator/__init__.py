"""Generators: model + prompts → completions. The built-in ``hf`` generator uses transformers' ``generate``."""

from sigil_generate.generator.protocol import Generator, Job, SamplingSettings
from sigil_generate.generator.render import DEFAULT_TEMPLATE, prompt_ids

__all__ = ["DEFAULT_TEMPLATE", "Generator", "Job", "SamplingSettings", "prompt_ids"]
