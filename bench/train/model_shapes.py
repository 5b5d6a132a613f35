"""Model shapes and FLOP accounting for the training benchmark."""

from __future__ import annotations

from transformers import LlamaConfig

#: Llama-3.1-8B's shape (random init: no download).
LLAMA_8B = dict(
    vocab_size=128256, hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
    num_attention_heads=32, num_key_value_heads=8, max_position_embeddings=131072, rope_theta=500000.0,
    rms_norm_eps=1e-5, tie_word_embeddings=False,
)
#: A small stand-in for a CPU smoke run of this script (--tiny).
TINY = dict(
    vocab_size=2048, hidden_size=128, intermediate_size=256, num_hidden_layers=2,
    num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=4096, tie_word_embeddings=False,
)

#: Dense bf16 peak of an H100 SXM (datasheet, no sparsity); the 4N-per-token MFU below divides by it.
H100_BF16_PEAK = 989e12


def llama_config(tiny: bool) -> LlamaConfig:
    return LlamaConfig(**(TINY if tiny else LLAMA_8B), bos_token_id=1, eos_token_id=2, pad_token_id=0)


def parameter_count(config: LlamaConfig) -> int:
    """N of the dense model (embeddings and LM head included), as in the 4N-FLOPs-per-token convention."""
    h, i, v, layers = config.hidden_size, config.intermediate_size, config.vocab_size, config.num_hidden_layers
    kv = h // config.num_attention_heads * config.num_key_value_heads
    per_layer = h * h * 2 + h * kv * 2 + 3 * h * i + 2 * h
    return layers * per_layer + 2 * v * h + h


def mfu(tokens_per_s: float, n_params: int, peak: float = H100_BF16_PEAK) -> float:
    """Model FLOPs utilisation counting 4N FLOPs per token (frozen-base LoRA: forward 2N + input grads 2N)."""
    return tokens_per_s * 4 * n_params / peak
