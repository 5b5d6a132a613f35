"""Load a base model, and the adapter an ``sft``/``rsft`` stage trained on it, for generation.

An adapter directory written by the training plugin carries ``sigil_train.json`` naming the base it was trained
on (for ``sigil-tiny:`` models, the materialised directory), so generation always pairs an adapter with its own
base and tokenizer. ``full`` fine-tunes save a whole model there instead, which is loaded directly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sigil.errors import ConfigError
from sigil.tiny import build_tiny_model, is_tiny, parse_spec

#: Provenance file the training plugin writes into every adapter/model directory it saves.
TRAIN_META = "sigil_train.json"


@dataclass
class GenerationModel:
    """A model ready for ``generate`` (eval mode, on its device) and what was loaded."""

    model: Any
    tokenizer: Any
    base_path: str
    adapter_path: str | None
    device: str
    dtype: str


def resolve_base(model_name: str, adapter_dir: Path | None, tiny_texts: Callable[[], Iterable[str]], cache_dir: Path) -> str:
    """The directory or hub name of the base model.

    :param model_name: the config's ``model_name``.
    :param adapter_dir: a trained adapter; its recorded base wins (it was trained on exactly that base).
    :param tiny_texts: for ``sigil-tiny:`` names without an adapter: the text its tokenizer is trained on
        (the training split, exactly as the training plugin reads it, so both build the same model).
    :param cache_dir: sigil's cache root, where tiny models are materialised.
    """
    if adapter_dir is not None:
        meta_path = adapter_dir / TRAIN_META
        if meta_path.exists():
            recorded = json.loads(meta_path.read_text()).get("base_model_path")
            if recorded:
                return str(recorded)
    if is_tiny(model_name):
        return str(build_tiny_model(parse_spec(model_name), tiny_texts(), cache_dir))
    return model_name


def load_for_generation(base: str, adapter_dir: Path | None, device: str = "auto", dtype: str = "auto") -> GenerationModel:
    """Load ``base`` (plus the PEFT adapter in ``adapter_dir``, merged for speed) and its tokenizer, left-padded."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    elif device == "cuda" and not torch.cuda.is_available():
        raise ConfigError("generate.device: cuda was asked for but no CUDA GPU is visible")
    if dtype == "auto":
        dtype = "bfloat16" if device == "cuda" and torch.cuda.is_bf16_supported() else "float32"
    torch_dtype = getattr(torch, dtype)

    full_model = adapter_dir is not None and _adapter_kind(adapter_dir) == "full"
    weights = str(adapter_dir) if full_model else base
    try:
        model = AutoModelForCausalLM.from_pretrained(weights, dtype=torch_dtype)
    except OSError as exc:
        raise ConfigError(f"cannot load model {weights!r}: {str(exc).splitlines()[0]}") from None
    if adapter_dir is not None and not full_model:
        from peft import PeftModel

        if not (adapter_dir / "adapter_config.json").exists():
            raise ConfigError(f"{adapter_dir}: not a PEFT adapter directory (no adapter_config.json)")
        model = PeftModel.from_pretrained(model, str(adapter_dir)).merge_and_unload()
    # the training plugin saves the tokenizer beside the adapter; prefer it (same vocabulary, same template)
    tokenizer_source = str(adapter_dir) if adapter_dir is not None and (adapter_dir / "tokenizer_config.json").exists() else base
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_source)
    tokenizer.padding_side = "left"  # decoder-only batches must end at the same position to continue
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    model.to(device)  # type: ignore[arg-type]  # transformers' decorator hides the signature from mypy
    model.eval()
    return GenerationModel(model, tokenizer, base, str(adapter_dir) if adapter_dir else None, device, dtype)


def _adapter_kind(adapter_dir: Path) -> str | None:
    meta_path = adapter_dir / TRAIN_META
    if not meta_path.exists():
        return None
    return json.loads(meta_path.read_text()).get("adapter")
