"""Prompt → token ids, exactly as the training plugin renders the prompt of a training example.

With the chat template on, a prompt becomes a user turn (the tokenizer's chat template with the generation
prompt), or, for tokenizers without one, ``BOS + DEFAULT_TEMPLATE``, the same rule as sigil-train's encoder, so
a model fine-tuned on ``task: instruct`` records is sampled in the format it was trained on. With it off, the
prompt is continued as raw text after BOS, as a ``task: code`` example begins. A test checks both against the
training plugin's encoder.
"""

from __future__ import annotations

from typing import Any

from sigil import DEFAULT_PROMPT_TEMPLATE

#: The training plugin's template for tokenizers without a chat template (sigil_train.data.encode).
DEFAULT_TEMPLATE = DEFAULT_PROMPT_TEMPLATE  # one template for training and generation (sigil.training)


def prompt_ids(tokenizer: Any, prompt: str, chat_template: bool) -> list[int]:
    """The token ids the model sees before its completion."""
    bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    if not chat_template:
        return bos + _tokens(tokenizer, prompt)
    if getattr(tokenizer, "chat_template", None):
        text = tokenizer.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True)
        return _tokens(tokenizer, text)
    return bos + _tokens(tokenizer, DEFAULT_TEMPLATE.format(prompt=prompt))


def prompt_text(tokenizer: Any, prompt: str, chat_template: bool) -> str:
    """The same rendering as text, for a server that tokenizes it itself (its tokenizer adds BOS as it would
    for any request)."""
    if not chat_template:
        return prompt
    if getattr(tokenizer, "chat_template", None):
        text = tokenizer.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True)
        bos = tokenizer.bos_token
        return text[len(bos):] if bos and text.startswith(bos) else text
    return DEFAULT_TEMPLATE.format(prompt=prompt)


def _tokens(tokenizer: Any, text: str) -> list[int]:
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])
