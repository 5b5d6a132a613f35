"""Loading a model for generation: a base (hub, path or ``sigil-tiny:``) with an optional trained adapter."""

from sigil_generate.model.load import GenerationModel, load_for_generation, resolve_base

__all__ = ["GenerationModel", "load_for_generation", "resolve_base"]
