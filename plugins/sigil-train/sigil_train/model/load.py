"""Load the base model for one adapter kind and wrap it for training.

- ``qlora``: 4-bit weights through ``BitsAndBytesConfig`` built from ``bnb_4bit``; non-quantised weights
  (norms, embeddings, LM head) stay in the compute dtype unless ``train.upcast_non_quantized`` asks for PEFT's
  ``prepare_model_for_kbit_training`` (fp32 copies: measured ~1.6x slower on an H100, see bench/RESULTS.md).
- ``lora``: the base in bf16 on a GPU (fp32 on CPU, where bf16 matmuls are slow), LoRA adapters on top.
- ``full``: every weight trainable, fp32 master weights with bf16 autocast when ``train.bf16``.
``train.load_from`` (reference spelling ``misc.load_from``) warm-starts: a PEFT adapter directory (LoRA kinds) or a model directory (``full``).
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sigil import ConfigError

#: Written into every adapter/model directory sigil saves: what base it was trained on (tiny models included).
SIGIL_META = "sigil_train.json"


@dataclass
class LoadedModel:
    """The trainable model, its tokenizer and what was chosen while loading (for trainer_args.json)."""

    model: Any
    tokenizer: Any
    base_path: str
    choices: dict[str, Any] = field(default_factory=dict)


def has_cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def attention_implementation(train: Any, log: Any) -> str:
    """The attention kernel for ``train.attn_implementation``/``use_flash_attention``, logged with the reason."""
    if train.attn_implementation != "auto":
        chosen, why = train.attn_implementation, "train.attn_implementation"
    elif train.use_flash_attention and has_cuda() and importlib.util.find_spec("flash_attn") is not None:
        chosen, why = "flash_attention_2", "use_flash_attention and flash-attn is installed (varlen packing)"
    elif train.use_flash_attention:
        chosen = "sdpa"
        why = "use_flash_attention, but flash-attn is not installed or no GPU: SDPA with block-diagonal masks"
    else:
        chosen, why = "sdpa", "use_flash_attention is off"
    log.info("attention: %s (%s)", chosen, why)
    return chosen


def bnb_config(bnb_4bit: Any) -> Any:
    """The ``transformers.BitsAndBytesConfig`` for the ``bnb_4bit`` section (every key applied)."""
    import torch
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type=bnb_4bit.quant_type,
        bnb_4bit_use_double_quant=bnb_4bit.use_double_quant,
        bnb_4bit_compute_dtype=getattr(torch, bnb_4bit.compute_dtype),
        bnb_4bit_quant_storage=getattr(torch, bnb_4bit.quant_storage),
    )


def lora_config(lora: Any) -> Any:
    """The ``peft.LoraConfig`` for the ``lora`` section."""
    from peft import LoraConfig

    return LoraConfig(
        r=lora.r,
        lora_alpha=lora.alpha,
        lora_dropout=lora.dropout,
        target_modules=list(lora.target_modules),
        bias=lora.bias,
        use_rslora=lora.use_rslora,
        task_type="CAUSAL_LM",
    )


def use_bf16(train: Any) -> bool:
    """``train.bf16`` resolved: auto means a GPU with bf16 support."""
    import torch

    if train.bf16 == "auto":
        return has_cuda() and torch.cuda.is_bf16_supported()
    return bool(train.bf16)


def load_model(base_path: str, config: Any, attn: str, log: Any, warm_start: str | None = None) -> LoadedModel:
    """Load ``base_path`` for ``config.train.adapter`` and return it ready for the trainer.

    :param warm_start: the request's warm start (an adapter directory, or a model directory for ``full``).
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    train = config.train
    adapter = train.adapter
    bf16 = use_bf16(train)
    choices: dict[str, Any] = {"adapter": adapter, "attn_implementation": attn, "bf16": bf16}
    kwargs: dict[str, Any] = {"attn_implementation": attn}

    if adapter == "qlora":
        if not has_cuda():
            raise ConfigError("train.adapter: qlora needs a CUDA GPU (bitsandbytes 4-bit); use lora or full on CPU")
        if importlib.util.find_spec("bitsandbytes") is None:
            raise ConfigError("train.adapter: qlora needs bitsandbytes: pip install './plugins/sigil-train[qlora]'")
        quantization = bnb_config(config.bnb_4bit)
        kwargs.update(quantization_config=quantization, dtype=quantization.bnb_4bit_compute_dtype, device_map={"": _local_device()})
        choices["quantization_config"] = quantization.to_dict()
    elif adapter == "lora":
        kwargs["dtype"] = torch.bfloat16 if bf16 else torch.float32
    else:
        kwargs["dtype"] = torch.float32  # master weights; bf16 autocast does the matmuls
    choices["dtype"] = str(kwargs["dtype"]).removeprefix("torch.")

    weights_path = base_path
    if adapter == "full" and warm_start:
        weights_path = warm_start  # phase 2 of a full fine-tune continues from phase 1's weights
    model = AutoModelForCausalLM.from_pretrained(weights_path, **kwargs)
    tokenizer = AutoTokenizer.from_pretrained(base_path)
    if tokenizer.pad_token_id is None:
        # never add a token (that would resize a 4-bit embedding); padding positions carry no loss anyway
        tokenizer.pad_token = tokenizer.eos_token
    model.config.use_cache = False

    if adapter in ("qlora", "lora"):
        model = _wrap_lora(model, config, choices, log, warm_start)
    choices["trainable_parameters"] = sum(p.numel() for p in model.parameters() if p.requires_grad)
    choices["total_parameters"] = sum(p.numel() for p in model.parameters())
    return LoadedModel(model=model, tokenizer=tokenizer, base_path=base_path, choices=choices)


def _wrap_lora(model: Any, config: Any, choices: dict[str, Any], log: Any, warm_start: str | None) -> Any:
    from peft import PeftModel, get_peft_model, prepare_model_for_kbit_training

    train = config.train
    if train.adapter == "qlora" and train.upcast_non_quantized:
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=train.gradient_checkpointing)
        choices["non_quantized_dtype"] = "float32 (prepare_model_for_kbit_training)"
    else:
        for parameter in model.parameters():
            parameter.requires_grad_(False)
        if train.gradient_checkpointing:
            # checkpointed blocks need an input that requires grad, or no gradient reaches the adapters
            model.enable_input_require_grads()
        choices["non_quantized_dtype"] = choices["dtype"]
    wanted = lora_config(config.lora)
    if warm_start:
        check_adapter_matches(Path(warm_start), config.lora)
        model = PeftModel.from_pretrained(model, warm_start, is_trainable=True)
        choices["warm_start"] = str(warm_start)
        log.info("warm start from adapter %s", warm_start)
    else:
        model = get_peft_model(model, wanted)
    choices["lora_config"] = model.peft_config["default"].to_dict()
    return model


def check_adapter_matches(adapter_dir: Path, lora: Any) -> None:
    """A warm-start adapter must have the shape ``lora`` asks for: a silent mismatch would ignore the config."""
    config_path = adapter_dir / "adapter_config.json"
    if not config_path.exists():
        raise ConfigError(f"warm start: {adapter_dir} is not a PEFT adapter directory (no adapter_config.json)")
    saved = json.loads(config_path.read_text())
    differences = []
    if saved.get("r") != lora.r:
        differences.append(f"r {saved.get('r')} vs lora.r {lora.r}")
    if float(saved.get("lora_alpha", 0)) != float(lora.alpha):
        differences.append(f"alpha {saved.get('lora_alpha')} vs lora.alpha {lora.alpha}")
    if sorted(saved.get("target_modules") or []) != sorted(lora.target_modules):
        differences.append(f"target_modules {sorted(saved.get('target_modules') or [])} vs {sorted(lora.target_modules)}")
    if differences:
        raise ConfigError(f"warm start: adapter {adapter_dir} differs from the config: {'; '.join(differences)}")


def warm_start_base(load_from: str | None) -> str | None:
    """The base model a warm-start adapter was trained on, as sigil recorded it (None if not recorded)."""
    if not load_from:
        return None
    meta = Path(load_from) / SIGIL_META
    if not meta.exists():
        return None
    return json.loads(meta.read_text()).get("base_model_path")


def _local_device() -> int:
    import os

    return int(os.environ.get("LOCAL_RANK", "0"))
