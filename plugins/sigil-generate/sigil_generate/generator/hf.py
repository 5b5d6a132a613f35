"""The built-in ``hf`` generator: batched, left-padded sampling with ``transformers``' ``generate``.

Determinism: every batch is sampled under its own seed, derived from ``settings.seed`` and the batch's index,
so the same jobs and settings give the same completions whether the run was interrupted or not.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from sigil_generate.generator.protocol import Job, SamplingSettings
from sigil_generate.generator.render import prompt_ids
from sigil_generate.generator.stops import PerRowStops, cut


def batch_seed(seed: int, batch_index: int) -> int:
    """The seed of one batch: independent of every other batch, stable across runs and resumes."""
    digest = hashlib.sha256(f"{seed}:{batch_index}".encode()).digest()
    return int.from_bytes(digest[:8], "little") & 0x7FFF_FFFF_FFFF_FFFF


class HfGenerator:
    """Sample completions with ``model.generate`` (works with any causal LM transformers loads)."""

    def generate(self, model: Any, jobs: list[Job], settings: SamplingSettings, skip_batches: int = 0) -> Iterator[list[str]]:
        import torch

        tokenizer, network = model.tokenizer, model.model
        size = settings.batch_size
        for index, start in enumerate(range(0, len(jobs), size)):
            if index < skip_batches:
                continue
            batch = jobs[start:start + size]
            stops = [tuple(dict.fromkeys(settings.stop + job.stop)) for job in batch]

            # --- prompts: rendered like training examples, left-padded to one length
            encoded = [prompt_ids(tokenizer, job.prompt, settings.chat_template) for job in batch]
            width = max(len(ids) for ids in encoded)
            input_ids = torch.full((len(batch), width), tokenizer.pad_token_id, dtype=torch.long)
            attention = torch.zeros((len(batch), width), dtype=torch.long)
            for row, ids in enumerate(encoded):
                input_ids[row, width - len(ids):] = torch.tensor(ids, dtype=torch.long)
                attention[row, width - len(ids):] = 1

            # --- sample under this batch's own seed
            sampling: dict[str, Any] = {"do_sample": False}
            if settings.temperature > 0:
                # top_k=0 turns off transformers' default top-k of 50: only the configured top_p filters
                sampling = {"do_sample": True, "temperature": settings.temperature, "top_p": settings.top_p, "top_k": 0}
            torch.manual_seed(batch_seed(settings.seed, index))
            if model.device == "cuda":
                torch.cuda.manual_seed_all(batch_seed(settings.seed, index))
            with torch.inference_mode():
                output = network.generate(
                    input_ids=input_ids.to(model.device),
                    attention_mask=attention.to(model.device),
                    max_new_tokens=settings.max_new_tokens,
                    pad_token_id=tokenizer.pad_token_id,
                    eos_token_id=tokenizer.eos_token_id,
                    stopping_criteria=[PerRowStops(tokenizer, width, stops)] if any(stops) else None,
                    **sampling,
                )

            # --- decode the new tokens and cut each row at its own first stop
            texts = tokenizer.batch_decode(output[:, width:], skip_special_tokens=True)
            yield [cut(text, row_stops) for text, row_stops in zip(texts, stops, strict=True)]
