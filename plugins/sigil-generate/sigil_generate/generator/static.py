"""Static-cache decoding: the ``hf`` generator's fast path on a GPU.

``model.generate`` spends most of a decode step in Python (logits processors, stopping criteria that read the
GPU every step, a cache that grows): measured on an H200 with an 8B model it runs at ~10% of what reading the
weights once per step allows (bench/RESULTS.md). Here one decode step is the model's forward over a
``StaticCache`` of fixed shape, compiled with ``torch.compile(mode="reduce-overhead")`` (CUDA graphs), then the
sampling kernels; the host reads the GPU only every ``check_every`` steps, to see whether every row has
ended. Shapes stay fixed so the compiled graphs are reused: a batch always has ``batch_size`` rows (a short last
batch is filled with copies of its first row, whose output is dropped), and prompts are left-padded to a bucket
width (the next power of two, at least 16), so a whole run compiles for one or two cache lengths.

Sampling semantics are ``generate``'s: temperature, then nucleus (top-p) filtering over the sorted
distribution, then one draw; temperature 0 is greedy. The draw uses exponential noise (``argmax(p / E)`` with
``E ~ Exp(1)`` samples from ``p``) from a generator seeded per batch, so a run is reproducible; the draws differ
from ``generate``'s ``multinomial`` but follow the same distribution. Greedy completions equal ``generate``'s
(a test checks it on CPU).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: Smallest prompt bucket; widths are rounded up to powers of two from here.
MIN_BUCKET = 16


def bucket_width(length: int) -> int:
    """The padded prompt width for a prompt of ``length`` tokens: the next power of two, at least MIN_BUCKET."""
    width = MIN_BUCKET
    while width < length:
        width *= 2
    return width


def sample_tokens(logits: Any, noise: Any, temperature: float, top_p: float) -> Any:
    """One token per row of ``logits`` (rows × vocabulary), as ``generate`` samples: temperature, top-p, draw.

    :param noise: ``Exp(1)`` noise of the same shape; ``argmax(p / noise)`` is a draw from ``p``.
    """
    if temperature == 0:
        return logits.argmax(-1)
    scaled = logits.float() / temperature
    if top_p < 1.0:
        # TopPLogitsWarper: drop the low tail whose mass is at most 1 - top_p, always keeping the top token
        ordered, order = scaled.sort(-1)
        cumulative = ordered.softmax(-1).cumsum(-1)
        drop = cumulative <= 1 - top_p
        drop[:, -1] = False
        probs = ordered.masked_fill(drop, float("-inf")).softmax(-1)
        return order.gather(-1, (probs / noise).argmax(-1, keepdim=True)).squeeze(-1)
    return (scaled.softmax(-1) / noise).argmax(-1)


#: The attention implementation the static engine registers (transformers' public AttentionInterface).
GROUPED_ATTENTION = "sigil_grouped_decode"


def grouped_decode_attention(
    module: Any, query: Any, key: Any, value: Any, attention_mask: Any, scaling: float | None = None,
    dropout: float = 0.0, **kwargs: Any,
) -> tuple[Any, None]:
    """Attention for one decode step that reads each key/value head once.

    With a padding mask, transformers' SDPA path repeats every key/value head for each query head of its group
    (``repeat_kv``: 4x the KV cache written and read again per step for Llama-3-8B), because CUDA's fused kernels
    take grouped heads only without a mask. For one query token the grouped product is two small batched matmuls:
    the group's query heads against its one key head, then against its one value head. Prefill (several query
    tokens) and anything unusual go to transformers' own SDPA function.
    """
    import torch
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    batch, heads, length, dim = query.shape
    groups = key.shape[1]
    if length != 1 or attention_mask is None or dropout or groups == heads or heads % groups:
        return sdpa_attention_forward(module, query, key, value, attention_mask, scaling=scaling, dropout=dropout, **kwargs)
    scale = scaling if scaling is not None else dim**-0.5
    grouped = query.reshape(batch, groups, heads // groups, dim)  # query head h reads key/value head h // (heads/groups)
    scores = torch.matmul(grouped, key.transpose(-1, -2)).float() * scale  # batch, groups, heads/groups, keys
    mask = attention_mask[:, :, -1:, :]
    scores = scores.masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool else scores + mask
    output = torch.matmul(scores.softmax(-1).to(value.dtype), value)
    return output.reshape(batch, heads, 1, dim).transpose(1, 2).contiguous(), None


def use_grouped_attention(model: Any) -> str:
    """Switch ``model`` to :func:`grouped_decode_attention` (SDPA masks); returns the implementation in use."""
    try:
        from transformers import AttentionInterface
        from transformers.masking_utils import AttentionMaskInterface, sdpa_mask

        AttentionInterface.register(GROUPED_ATTENTION, grouped_decode_attention)
        AttentionMaskInterface.register(GROUPED_ATTENTION, sdpa_mask)
        model.set_attn_implementation(GROUPED_ATTENTION)
    except (ImportError, AttributeError, ValueError, TypeError) as exc:  # an older transformers: keep its SDPA
        return f"{getattr(model.config, '_attn_implementation', '?')} (grouped decode attention unavailable: {exc})"
    return GROUPED_ATTENTION


@dataclass
class _Shape:
    """What one cache length keeps between batches: its static cache and mask (fixed addresses for the graphs)."""

    cache: Any
    mask: Any
    positions: Any  # cache positions of the decode steps
    noise: Any


class StaticDecoder:
    """Decode batches of token-id prompts with a static KV cache and (on a GPU) compiled steps."""

    def __init__(self, model: Any, batch_size: int, compile: bool, check_every: int = 8) -> None:
        import torch

        self.model = model
        self.batch_size = batch_size
        self.check_every = check_every
        self.device = next(model.parameters()).device
        self._shapes: dict[tuple[int, int], _Shape] = {}
        self.forward: Callable[..., Any] = model.forward
        self.sample: Callable[..., Any] = sample_tokens
        self.compiled = compile
        self.attention = use_grouped_attention(model)
        # transformers renamed ``past_key_values`` to ``cache`` (5.2x) and derives the cache position from the cache
        # itself where ``cache_position`` is no longer a parameter: call whichever this version has
        parameters = inspect.signature(model.forward).parameters
        self.cache_arg = "cache" if "cache" in parameters else "past_key_values"
        self.pass_cache_position = "cache_position" in parameters
        if compile:
            self.forward = torch.compile(model.forward, mode="reduce-overhead", dynamic=False)
            # sampling stays eager: inductor (torch 2.11) fails to generate the split cumsum over a 128k vocabulary
            # ("Error in codegen for ... SplitScan", seen on an H200), and its ~10 kernels cost well under a ms

    def decode(
        self,
        rows: list[list[int]],
        max_new_tokens: int,
        temperature: float,
        top_p: float,
        seed: int,
        pad_id: int,
        eos_id: int | None,
        finished: Callable[[int, list[int]], bool] | None = None,
    ) -> list[list[int]]:
        """The new tokens of each row, up to (not including) its first EOS.

        :param rows: prompt token ids, at most ``batch_size`` rows.
        :param finished: ``finished(row, tokens_so_far)``: whether a row has ended for another reason (a stop
            string); checked every ``check_every`` steps, so decoding stops early once every row has ended.
        """
        import torch
        from transformers import StaticCache

        count, size = len(rows), self.batch_size
        if not 0 < count <= size:
            raise ValueError(f"a batch holds 1..{size} rows, got {count}")
        width = bucket_width(max(len(r) for r in rows))
        length = width + max_new_tokens
        key = (width, max_new_tokens)
        shape = self._shapes.get(key)
        if shape is None:
            vocab = self.model.config.get_text_config().vocab_size
            shape = _Shape(
                cache=StaticCache(config=self.model.config, max_cache_len=length),
                mask=torch.zeros((size, length), dtype=torch.long, device=self.device),
                positions=torch.arange(width, length, device=self.device),
                noise=torch.empty((size, vocab), dtype=torch.float32, device=self.device),
            )
            self._shapes[key] = shape
        else:
            shape.cache.reset()

        # --- prompts: left-padded to the bucket width; every position after the prompt is attendable (the causal
        # mask hides the future), so the mask never changes while decoding
        ids = torch.full((size, width), pad_id, dtype=torch.long)
        mask = torch.zeros((size, length), dtype=torch.long)
        for index in range(size):
            prompt = rows[index] if index < count else rows[0]
            ids[index, width - len(prompt):] = torch.tensor(prompt, dtype=torch.long)
            mask[index, width - len(prompt):] = 1
        shape.mask.copy_(mask)
        ids = ids.to(self.device)
        positions = (shape.mask[:, :width].cumsum(-1) - 1).clamp(min=0)
        generator = torch.Generator(device=self.device)
        generator.manual_seed(seed)

        def draw(logits: Any) -> Any:
            if temperature > 0:
                shape.noise.exponential_(generator=generator)
            return self.sample(logits, shape.noise, temperature, top_p)

        # --- prefill (eager: one call per batch, dynamic width is fine here)
        generated = torch.empty((size, max_new_tokens), dtype=torch.long, device=self.device)
        output = self.model(input_ids=ids, position_ids=positions, **self._step_args(shape, torch.arange(width, device=self.device)))
        tokens = draw(output.logits[:, -1, :])
        generated[:, 0] = tokens
        position = positions[:, -1:] + 1

        # --- decode: fixed shapes, one compiled step each; the host looks every check_every steps
        host: list[list[int]] = [[] for _ in range(count)]
        done = [False] * count
        read = 0
        watching = eos_id is not None or finished is not None
        steps = max_new_tokens
        for step in range(1, max_new_tokens + 1):
            if watching and (step % self.check_every == 0 or step == max_new_tokens):
                chunk = generated[:count, read:step].tolist()
                read = step
                for index, new in enumerate(chunk):
                    if done[index]:
                        continue
                    host[index].extend(new)
                    if eos_id is not None and eos_id in new:
                        done[index] = True
                    elif finished is not None and finished(index, host[index]):
                        done[index] = True
                if all(done):
                    steps = step
                    break
            if step == max_new_tokens:
                break
            if self.compiled:
                torch.compiler.cudagraph_mark_step_begin()
            output = self.forward(input_ids=tokens[:, None], position_ids=position,
                                  **self._step_args(shape, shape.positions[step - 1:step]))
            tokens = draw(output.logits[:, -1, :])
            generated[:, step] = tokens
            position = position + 1

        result = generated[:count, :steps].tolist()
        return [row[: row.index(eos_id)] if eos_id is not None and eos_id in row else row for row in result]

    def _step_args(self, shape: _Shape, cache_position: Any) -> dict[str, Any]:
        args: dict[str, Any] = {"attention_mask": shape.mask, self.cache_arg: shape.cache, "use_cache": True, "logits_to_keep": 1}
        if self.pass_cache_position:
            args["cache_position"] = cache_position
        return args
