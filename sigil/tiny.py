"""``sigil-tiny:`` models: a random-init Llama-architecture model with a BPE tokenizer trained on the fly.

Syntax: ``sigil-tiny:llama`` or with sizes, ``sigil-tiny:llama,layers=2,hidden=64,heads=4,kv_heads=2,vocab=512``;
``intermediate=N`` (default 0: 2 x hidden) and ``tied=1`` (the LM head shares the embeddings) as well.

The model and tokenizer are materialised once into a cache directory (keyed by the spec and a hash of the
training text) with ``save_pretrained``, and from then on they load exactly like a hub model: the tiny path
and the GPU path share every line of training code. Building is deterministic: the tokenizer trainer sees the
texts in file order and the weights are drawn from a generator seeded by the spec.

It lives in sigil's public API (not in a plugin) because both the training and the generation plugin build
these models, and plugins import only ``sigil``, never each other.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sigil.errors import ConfigError

PREFIX = "sigil-tiny:"
ARCHITECTURES = ("llama",)

#: Part of every cache key: models built by an older tokenizer recipe are not reused.
TOKENIZER_VERSION = b"|tokenizer-v2:newline-isolated"

log = logging.getLogger("sigil.tiny")

#: Special tokens of the tiny tokenizer; it has no chat template on purpose, so the default template is tested.
BOS, EOS, PAD = "<s>", "</s>", "<pad>"


@dataclass(frozen=True)
class TinySpec:
    """The shape of a tiny model, parsed from its name."""

    architecture: str = "llama"
    layers: int = 2
    hidden: int = 64
    heads: int = 4
    kv_heads: int = 2
    intermediate: int = 0  # 0: 2 x hidden
    vocab: int = 512
    max_positions: int = 8192
    tied: int = 0  # 1: the LM head shares the embedding matrix (fewer parameters; the usual choice for tiny models)

    @property
    def name(self) -> str:
        name = f"{PREFIX}{self.architecture},layers={self.layers},hidden={self.hidden},heads={self.heads}," \
               f"kv_heads={self.kv_heads},intermediate={self.intermediate},vocab={self.vocab}"
        return name + (",tied=1" if self.tied else "")


def is_tiny(model_name: str) -> bool:
    """Whether ``model_name`` names a tiny model rather than a hub name or path."""
    return model_name.startswith(PREFIX)


def parse_spec(model_name: str) -> TinySpec:
    """Parse ``sigil-tiny:llama,layers=2,...``; a bad spec is a ConfigError naming ``model_name``."""
    body = model_name.removeprefix(PREFIX)
    architecture, *pairs = [part.strip() for part in body.split(",")]
    if architecture not in ARCHITECTURES:
        raise ConfigError(f"model_name: {model_name!r}: unknown tiny architecture {architecture!r}; known: llama")
    sizes: dict[str, int] = {}
    fields = set(TinySpec.__dataclass_fields__) - {"architecture"}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in fields or not value.isdigit() or int(value) <= 0 and key not in ("intermediate", "tied"):
            raise ConfigError(
                f"model_name: {model_name!r}: bad size {pair!r}; use key=positive integer with key in {sorted(fields)}"
            )
        sizes[key] = int(value)
    spec = TinySpec(architecture=architecture, **sizes)
    if spec.tied not in (0, 1):
        raise ConfigError(f"model_name: {model_name!r}: tied must be 0 or 1")
    if spec.hidden % spec.heads or spec.heads % spec.kv_heads:
        raise ConfigError(f"model_name: {model_name!r}: hidden must divide by heads, and heads by kv_heads")
    return spec


def build_tiny_model(spec: TinySpec, texts: Iterable[str], cache_dir: Path) -> Path:
    """The directory holding the tiny model and its tokenizer, building it on first use.

    :param spec: the model's shape.
    :param texts: the text the tokenizer is trained on (the training split), in a fixed order.
    :param cache_dir: sigil's cache root; the model lands in ``<cache_dir>/tiny-models/<key>``.
    """
    text_list = list(texts)
    digest = hashlib.sha256(spec.name.encode() + TOKENIZER_VERSION)
    for text in text_list:
        digest.update(hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest())
    target = cache_dir / "tiny-models" / digest.hexdigest()[:16]
    if (target / "sigil-tiny.json").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    try:
        tokenizer = _train_tokenizer(text_list, spec.vocab)
        reached = len(tokenizer)
        note = None
        if reached < spec.vocab:
            # BPE stops when no pair of tokens occurs in the text any more: a small or repetitive corpus has fewer
            # distinct merges than asked for. Say so instead of silently training a smaller vocabulary.
            note = (f"the tokenizer reached {reached} of the {spec.vocab} tokens asked for: the {len(text_list)} training "
                    f"texts ({sum(map(len, text_list))} characters) hold no more token pairs to merge")
            log.warning("sigil-tiny: %s", note)
        model = _random_model(spec, tokenizer)
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        (staging / "sigil-tiny.json").write_text(json.dumps(
            {"spec": spec.name, "texts": len(text_list), "vocab_asked": spec.vocab, "vocab": reached, "vocab_note": note}
        ) + "\n")
        try:
            os.replace(staging, target)
        except OSError:  # another process built it first: theirs is identical
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _train_tokenizer(texts: list[str], vocab_size: int):  # -> PreTrainedTokenizerFast
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    if not texts:
        raise ConfigError("model_name: a sigil-tiny model needs training text to build its tokenizer; the split is empty")
    tokenizer = Tokenizer(models.BPE(unk_token=None))
    # A newline is always a token of its own. With GPT-2's whitespace rule alone, "\n" merges with the next line's
    # indentation, so a prompt ending in "{\n" (every suite problem) ends in a token seen in training only before a
    # closing "}": a tiny model then closed every function at once (measured: 0 of 60 bodies written).
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Split("\n", behavior="isolated"), pre_tokenizers.ByteLevel(add_prefix_space=False)]
    )
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[PAD, BOS, EOS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer=trainer, length=len(texts))
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, bos_token=BOS, eos_token=EOS, pad_token=PAD)


def _random_model(spec: TinySpec, tokenizer):  # -> LlamaForCausalLM
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=spec.hidden,
        intermediate_size=spec.intermediate or 2 * spec.hidden,
        num_hidden_layers=spec.layers,
        num_attention_heads=spec.heads,
        num_key_value_heads=spec.kv_heads,
        max_position_embeddings=spec.max_positions,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=bool(spec.tied),
    )
    seed = int.from_bytes(hashlib.sha256(spec.name.encode()).digest()[:4], "little")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = LlamaForCausalLM(config)
    return model
