"""Name the model to sample from (a :class:`ModelRef`), and load it in process when a generator needs it.

An adapter directory written by the training plugin carries ``sigil_train.json`` naming the base it was trained
on (for ``sigil-tiny:`` models, the materialised directory), so generation always pairs an adapter with its own
base and tokenizer. ``full`` fine-tunes save a whole model there instead: it becomes the reference's ``merged``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sigil import ConfigError, ModelRef, PromptFormat, atomic_write_json, build_tiny_model, is_tiny, parse_spec

#: Provenance file the training plugin writes into every adapter/model directory it saves.
TRAIN_META = "sigil_train.json"


@dataclass
class GenerationModel:
    """A model ready for ``generate`` (eval mode, on its device) and what was loaded."""

    model: Any
    tokenizer: Any
    ref: ModelRef
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


def model_ref(base: str, adapter_dir: Path | None) -> ModelRef:
    """The reference for ``base`` plus a trained adapter directory (a PEFT adapter, or a ``full`` model), with the
    prompt format it was trained on: the adapter's record, or without an adapter the base directory's (a model
    exported by ``sigil export`` carries one); ``None`` for a base that has none (a hub name)."""
    if adapter_dir is None:
        return ModelRef(base=base, prompt_format=PromptFormat.read(base) if Path(base).is_dir() else None)
    trained = PromptFormat.read(adapter_dir)
    if _adapter_kind(adapter_dir) == "full":
        return ModelRef(base=base, merged=str(adapter_dir), prompt_format=trained)
    if not (adapter_dir / "adapter_config.json").exists():
        raise ConfigError(f"{adapter_dir}: not a PEFT adapter directory (no adapter_config.json)")
    return ModelRef(base=base, adapter=str(adapter_dir), prompt_format=trained)


def load_tokenizer(ref: ModelRef) -> Any:
    """The tokenizer of ``ref``, left-padded: the training plugin saves it beside the adapter (same vocabulary,
    same template), so it is preferred there."""
    from transformers import AutoTokenizer

    source = ref.weights
    if ref.adapter is not None and (Path(ref.adapter) / "tokenizer_config.json").exists():
        source = ref.adapter
    try:
        tokenizer = AutoTokenizer.from_pretrained(source)
    except OSError as exc:
        raise ConfigError(f"cannot load the tokenizer of {source!r}: {str(exc).splitlines()[0]}") from None
    tokenizer.padding_side = "left"  # decoder-only batches must end at the same position to continue
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def resolve_device(device: str, dtype: str) -> tuple[str, str]:
    """``generate.device``/``generate.dtype`` with ``auto`` decided: a GPU if present, bf16 there, fp32 on CPU."""
    import torch

    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    elif device.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError("generate.device: cuda was asked for but no CUDA GPU is visible")
    if dtype == "auto":
        dtype = "bfloat16" if device.startswith("cuda") and torch.cuda.is_bf16_supported() else "float32"
    return device, dtype


def load_for_generation(ref: ModelRef, device: str = "auto", dtype: str = "auto") -> GenerationModel:
    """Load ``ref`` in process (a PEFT adapter is merged for speed) with its tokenizer, in eval mode."""
    import torch
    from transformers import AutoModelForCausalLM

    device, dtype = resolve_device(device, dtype)
    kwargs: dict[str, Any] = {"dtype": getattr(torch, dtype)}
    if ref.quantization is not None:
        if ref.quantization != "bnb-4bit":
            raise ConfigError(f"model quantization {ref.quantization!r}: the hf generator knows bnb-4bit only")
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_compute_dtype=kwargs["dtype"])
    try:
        model = AutoModelForCausalLM.from_pretrained(ref.weights, **kwargs)
    except OSError as exc:
        raise ConfigError(f"cannot load model {ref.weights!r}: {str(exc).splitlines()[0]}") from None
    if ref.adapter is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, ref.adapter).merge_and_unload()
    if ref.quantization is None:
        model.to(device)  # type: ignore[arg-type]  # transformers' decorator hides the signature from mypy
    model.eval()
    return GenerationModel(model, load_tokenizer(ref), ref, device, dtype)


def merge_to_directory(ref: ModelRef, target: Path) -> Path:
    """``ref`` as one model directory (adapter merged into the base, tokenizer beside it), for servers that
    cannot load adapters; reused while ``target`` holds the merge of this same reference."""
    if ref.adapter is None:
        return Path(ref.weights)
    stamp = target / "sigil_merged.json"
    if stamp.exists() and json.loads(stamp.read_text()).get("ref") == ref.to_json():
        return target
    loaded = load_for_generation(ModelRef(base=ref.base, adapter=ref.adapter, merged=ref.merged), device="cpu", dtype="float32")
    target.mkdir(parents=True, exist_ok=True)
    loaded.model.save_pretrained(target)
    loaded.tokenizer.save_pretrained(target)
    atomic_write_json(stamp, {"ref": ref.to_json()})
    return target


def _adapter_kind(adapter_dir: Path) -> str | None:
    meta_path = adapter_dir / TRAIN_META
    if not meta_path.exists():
        return None
    return json.loads(meta_path.read_text()).get("adapter")
