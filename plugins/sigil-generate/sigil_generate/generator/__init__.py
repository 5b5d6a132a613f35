"""Generators: model reference + jobs → completions. Built in: ``hf`` (transformers, in process) and ``openai``
(any OpenAI-compatible server: vLLM, SGLang, TGI, llama.cpp, ``transformers serve``)."""

from sigil import Completion, GenerationRequest, Generator, Job, ModelRef, SamplingSettings
from sigil_generate.generator.render import DEFAULT_TEMPLATE, prompt_ids, prompt_text

__all__ = [
    "DEFAULT_TEMPLATE",
    "Completion",
    "GenerationRequest",
    "Generator",
    "Job",
    "ModelRef",
    "SamplingSettings",
    "prompt_ids",
    "prompt_text",
]
