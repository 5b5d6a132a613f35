"""Batches of packed rows without cross-contamination.

Two layouts, picked by the attention kernel:

- ``rows`` (SDPA, flex, eager): a ``[batch, longest row]`` tensor with ``position_ids`` restarting at 0 for
  every example and **no** ``attention_mask``. transformers then derives a block-diagonal causal mask from
  the position ids (``masking_utils.find_packed_sequence_indices``), so a token attends only inside its own
  example. TRL's padding-free collator would flatten the batch into one row of ``batch x max_seq_len``
  tokens, which for SDPA means a dense mask over the whole flattened row (4x the attention work at
  micro-batch 4); keeping rows avoids that.
- ``flat`` (flash-attn varlen): one row with ``cu_seq_lens`` so the varlen kernel gets exact boundaries.

In both, the label of each example's first token is ``IGNORE``: after the shift it would be predicted from
the previous example's last token.

Every batch carries ``use_cache=False``, so whatever passes it to a model as ``model(**batch)`` (TRL's and HF's
training and evaluation loops, the benchmark) runs without a KV cache: transformers builds the block-diagonal
mask from the position ids only when no cache is passed, and with one (the default of most models' configs,
``use_cache: true``, whenever the caller does not say otherwise) every example attends to the ones before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import torch

from sigil_train.data.encode import IGNORE


@dataclass
class PackedCollator:
    """Collates rows ``{"input_ids", "labels", "seq_lengths"}`` into model inputs."""

    pad_token_id: int
    layout: Literal["rows", "flat"] = "rows"
    pad_to_multiple_of: int | None = None

    def __call__(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        if self.layout == "flat":
            return self._flat(rows)
        return self._rows(rows)

    def _rows(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        width = max(len(row["input_ids"]) for row in rows)
        if self.pad_to_multiple_of:
            width = -(-width // self.pad_to_multiple_of) * self.pad_to_multiple_of
        input_ids = torch.full((len(rows), width), self.pad_token_id, dtype=torch.long)
        labels = torch.full((len(rows), width), IGNORE, dtype=torch.long)
        position_ids = torch.zeros((len(rows), width), dtype=torch.long)
        for index, row in enumerate(rows):
            length = len(row["input_ids"])
            input_ids[index, :length] = torch.as_tensor(row["input_ids"])
            labels[index, :length] = torch.as_tensor(row["labels"])
            position_ids[index] = _positions(row["seq_lengths"], width)
        labels[position_ids == 0] = IGNORE
        return {"input_ids": input_ids, "labels": labels, "position_ids": position_ids, "use_cache": False}

    def _flat(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        lengths = [length for row in rows for length in row["seq_lengths"]]
        input_ids = torch.as_tensor([token for row in rows for token in row["input_ids"]])[None]
        labels = torch.as_tensor([label for row in rows for label in row["labels"]])[None]
        position_ids = _positions(lengths, sum(lengths))[None]
        labels[position_ids == 0] = IGNORE
        cu_seq_lens = torch.tensor([0, *torch.tensor(lengths).cumsum(0).tolist()], dtype=torch.int32)
        return {
            "input_ids": input_ids,
            "labels": labels,
            "position_ids": position_ids,
            "cu_seq_lens_q": cu_seq_lens,
            "cu_seq_lens_k": cu_seq_lens,
            "max_length_q": max(lengths),
            "max_length_k": max(lengths),
            "use_cache": False,
        }


def _positions(seq_lengths: list[int], width: int) -> torch.Tensor:
    """0..n-1 for each example, then 0..k-1 for the padding tail (a separate pseudo-example)."""
    parts = [torch.arange(length) for length in seq_lengths]
    used = sum(seq_lengths)
    if width > used:
        parts.append(torch.arange(width - used))
    return torch.cat(parts)
