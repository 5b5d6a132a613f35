"""One record → one or more training examples (token ids with their labels).

- ``task: code``: ``[bos] content [eos]`` as plain language modelling. A file longer than ``max_seq_len``
  is cut into consecutive chunks, each its own example: nothing is truncated away.
- ``task: instruct``: the prompt rendered with the tokenizer's chat template (or :data:`DEFAULT_TEMPLATE`
  when it has none), then the completion and EOS; the prompt's labels are ``IGNORE`` so the loss is on the
  completion only. An instruct example that does not fit in ``max_seq_len`` is dropped and counted (cutting
  it would train on a completion whose prompt is missing).
- ``task: chat``: the conversation rendered with the chat template turn by turn; the labels are the tokens of
  the assistant turns (their answers and closing markers), every other token is ``IGNORE``. Dropped when too long,
  like instruct examples. A template must render a conversation's prefix as a prefix of the whole (every common
  template does); one that does not is an error naming the record, never a silently misaligned mask.

``train.chat_template`` names a template from :data:`CHAT_TEMPLATES` that replaces the tokenizer's (Axolotl's key);
it is set on the tokenizer itself, so the adapter's saved tokenizer carries it and generation prompts the same way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from sigil import DEFAULT_PROMPT_TEMPLATE, ConfigError, DataError, PromptFormat

#: Label value the loss ignores (PyTorch's cross-entropy default).
IGNORE = -100

#: Template for tokenizers without a chat template; the completion follows it directly.
DEFAULT_TEMPLATE = DEFAULT_PROMPT_TEMPLATE  # one template for training and generation (sigil.training)

#: Bump when encoding changes, so cached tokenizations are rebuilt.
ENCODER_VERSION = "2"

#: Named chat templates for ``train.chat_template`` (tokenizers without one, or to replace theirs).
CHAT_TEMPLATES = {
    "chatml": (
        "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' }}"
        "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
    ),
    "llama3": (
        "{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'"
        " + message['content'] | trim + '<|eot_id|>' }}{% endfor %}"
        "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"
    ),
}


@dataclass
class Example:
    """One training example: ``labels[i]`` is ``input_ids[i]`` or ``IGNORE``."""

    input_ids: list[int]
    labels: list[int]


@dataclass
class EncodeStats:
    """What encoding did to the records, reported in the stage metrics and the model card."""

    records: int = 0
    code_records: int = 0
    instruct_records: int = 0
    chat_records: int = 0
    examples: int = 0
    chunked_records: int = 0
    dropped_too_long: int = 0
    dropped_empty: int = 0
    tokens: int = 0
    loss_tokens: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    def add(self, other: EncodeStats) -> None:
        for name in ("records", "code_records", "instruct_records", "chat_records", "examples", "chunked_records",
                     "dropped_too_long", "dropped_empty", "tokens", "loss_tokens"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def record_kind(record: dict[str, Any]) -> str:
    """How a checked record is encoded: ``chat``, ``instruct`` (a prompt and its completion) or ``code``."""
    if record.get("task") == "chat":
        return "chat"
    if record.get("prompt") is not None and record.get("task", "instruct") == "instruct":
        return "instruct"
    return "code"


class Encoder:
    """Turns records into examples with one tokenizer, one template and one ``max_seq_len``."""

    def __init__(self, tokenizer: Any, max_seq_len: int, chat_template: str | None = None) -> None:
        if chat_template is not None:
            if chat_template not in CHAT_TEMPLATES:
                raise ConfigError(f"train.chat_template: unknown template {chat_template!r}; known: "
                                  f"{', '.join(CHAT_TEMPLATES)}")
            tokenizer.chat_template = CHAT_TEMPLATES[chat_template]  # saved with the adapter's tokenizer
        self.tokenizer = tokenizer
        self.max_seq_len = max_seq_len
        self.bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
        if tokenizer.eos_token_id is None:
            raise ValueError("the tokenizer has no EOS token; sigil separates packed documents with EOS")
        self.eos = [tokenizer.eos_token_id]
        self.has_chat_template = bool(getattr(tokenizer, "chat_template", None))

    def template_fingerprint(self) -> str:
        """Identifies the prompt template (part of the tokenization cache key)."""
        source = self.tokenizer.chat_template if self.has_chat_template else DEFAULT_TEMPLATE
        return hashlib.sha256(str(source).encode()).hexdigest()[:16]

    def prompt_format(self, chat_records: int, instruct_records: int,
                      warm_start: PromptFormat | None = None) -> PromptFormat:
        """The prompt format a run on these records teaches (counts by :func:`record_kind`), written beside its
        weights so generation prompts the model the same way.

        Conversations win over instruct pairs, which win over plain code: a corpus mixing code with prompted
        records taught the model to answer prompts only in the prompted format. A run on plain code that
        continues a prompted model (``warm_start``'s record) keeps that record: it learned no other way to be
        prompted.
        """
        template = str(self.tokenizer.chat_template) if self.has_chat_template else DEFAULT_TEMPLATE
        if chat_records:
            return PromptFormat("chat", template)
        if instruct_records:
            return PromptFormat("instruct", template)
        if warm_start is not None and warm_start.wrapped:
            return warm_start
        return PromptFormat("raw")

    def encode(self, record: dict[str, Any], stats: EncodeStats) -> list[Example]:
        """The examples of one record (``content``, optional ``prompt``), counted into ``stats``."""
        stats.records += 1
        content = record.get("content") or ""
        kind = record_kind(record)
        if kind == "chat":
            stats.chat_records += 1
            examples = self._encode_chat(record["messages"], stats, record.get("id"))
        elif kind == "instruct":
            stats.instruct_records += 1
            examples = self._encode_instruct(str(record["prompt"]), content, stats)
        else:
            stats.code_records += 1
            examples = self._encode_code(content, stats)
        stats.examples += len(examples)
        for example in examples:
            stats.tokens += len(example.input_ids)
            stats.loss_tokens += sum(1 for label in example.labels[1:] if label != IGNORE)
        return examples

    # --- plain code: chunk, never truncate

    def _encode_code(self, content: str, stats: EncodeStats) -> list[Example]:
        if not content.strip():
            stats.dropped_empty += 1
            return []
        ids = self.bos + self._tokens(content) + self.eos
        if len(ids) > self.max_seq_len:
            stats.chunked_records += 1
        chunks = [ids[start:start + self.max_seq_len] for start in range(0, len(ids), self.max_seq_len)]
        # a 1-token tail chunk predicts nothing (its only token has no predecessor inside the example)
        return [Example(list(chunk), list(chunk)) for chunk in chunks if len(chunk) > 1]

    # --- prompt/completion: chat template, loss on the completion only

    def _encode_instruct(self, prompt: str, completion: str, stats: EncodeStats) -> list[Example]:
        if not completion.strip():
            stats.dropped_empty += 1
            return []
        prompt_ids, completion_ids = self._render(prompt, completion)
        ids = prompt_ids + completion_ids
        if len(ids) > self.max_seq_len:
            stats.dropped_too_long += 1
            return []
        labels = [IGNORE] * len(prompt_ids) + completion_ids
        return [Example(ids, labels)]

    def _render(self, prompt: str, completion: str) -> tuple[list[int], list[int]]:
        if self.has_chat_template:
            user = [{"role": "user", "content": prompt}]
            prefix = self.tokenizer.apply_chat_template(user, tokenize=False, add_generation_prompt=True)
            full = self.tokenizer.apply_chat_template(
                user + [{"role": "assistant", "content": completion}], tokenize=False
            )
            if full.startswith(prefix):
                prompt_ids = self._tokens(prefix)
                completion_ids = self._tokens(full[len(prefix):])
                if not completion_ids or completion_ids[-1] != self.eos[0]:
                    completion_ids = completion_ids + self.eos
                return prompt_ids, completion_ids
        # no template, or one whose rendering of the conversation does not start with the prompt's rendering
        prompt_ids = self.bos + self._tokens(DEFAULT_TEMPLATE.format(prompt=prompt))
        return prompt_ids, self._tokens(completion) + self.eos

    # --- conversations: chat template, loss on the assistant turns only

    def _encode_chat(self, messages: list[dict[str, str]], stats: EncodeStats, record_id: Any) -> list[Example]:
        if not self.has_chat_template:
            raise ConfigError("the tokenizer has no chat template for chat records; name one with train.chat_template "
                              f"({', '.join(CHAT_TEMPLATES)})")
        if not any(m["content"].strip() for m in messages if m["role"] == "assistant"):
            stats.dropped_empty += 1
            return []
        ids: list[int] = []
        labels: list[int] = []
        rendered = ""
        for index, message in enumerate(messages):
            if message["role"] == "assistant":
                # the assistant header (what generation would be prompted with) is context, the answer is learned
                header = self._render_chat(messages[:index], generation_prompt=True)
                context = self._delta(rendered, header, record_id)
                ids += context
                labels += [IGNORE] * len(context)
                full = self._render_chat(messages[:index + 1])
                answer = self._delta(header, full, record_id)
                rendered = full
                ids += answer
                labels += answer
            else:
                full = self._render_chat(messages[:index + 1])
                context = self._delta(rendered, full, record_id)
                ids += context
                labels += [IGNORE] * len(context)
                rendered = full
        if messages[-1]["role"] == "assistant" and ids[-1] != self.eos[0]:
            ids += self.eos
            labels += self.eos
        if len(ids) > self.max_seq_len:
            stats.dropped_too_long += 1
            return []
        return [Example(ids, labels)]

    def _render_chat(self, messages: list[dict[str, str]], generation_prompt: bool = False) -> str:
        if not messages and not generation_prompt:
            return ""
        return str(self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=generation_prompt))

    def _delta(self, before: str, after: str, record_id: Any) -> list[int]:
        """The tokens of what ``after`` adds to ``before``, which must be its prefix."""
        if not after.startswith(before):
            raise DataError(f"record {record_id}: the chat template does not render this conversation turn by turn "
                            f"(a later rendering changes an earlier turn); choose another with train.chat_template")
        return self._tokens(after[len(before):]) if len(after) > len(before) else []

    def _tokens(self, text: str) -> list[int]:
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])
