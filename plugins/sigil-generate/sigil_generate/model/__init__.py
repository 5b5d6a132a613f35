"""The model to sample from: a reference (base, adapter, merged, quantization), loaded in process when needed."""

from sigil_generate.model.load import (
    GenerationModel,
    load_for_generation,
    load_tokenizer,
    merge_to_directory,
    model_ref,
    resolve_base,
    resolve_device,
)

__all__ = [
    "GenerationModel",
    "load_for_generation",
    "load_tokenizer",
    "merge_to_directory",
    "model_ref",
    "resolve_base",
    "resolve_device",
]
