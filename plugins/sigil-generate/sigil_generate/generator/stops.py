"""Stop sequences: end each row of a batch at its own stop strings, then cut the text before the stop."""

from __future__ import annotations

from typing import Any

from sigil import truncate_at_stop


class PerRowStops:
    """A ``transformers`` stopping criterion: row ``i`` is done once its generated text contains ``stops[i]``.

    Only the tail of each row is decoded at each step (enough tokens to hold the longest stop string, since a
    token is at least one character), so the cost does not grow with the completion's length.
    """

    def __init__(self, tokenizer: Any, prompt_length: int, stops: list[tuple[str, ...]]) -> None:
        self.tokenizer = tokenizer
        self.prompt_length = prompt_length
        self.stops = stops
        self.window = max((len(stop) for row in stops for stop in row), default=0) + 2

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        import torch

        done = torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)
        generated = input_ids[:, self.prompt_length:]
        if generated.shape[1] == 0:
            return done
        for row, stops in enumerate(self.stops):
            if not stops:
                continue
            tail = self.tokenizer.decode(generated[row, -self.window:], skip_special_tokens=True)
            done[row] = any(stop in tail for stop in stops)
        return done


def cut(text: str, stops: tuple[str, ...]) -> str:
    """``text`` up to (not including) its earliest stop sequence."""
    return truncate_at_stop(text, stops) if stops else text
