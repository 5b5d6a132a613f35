"""The records of a training split, each checked for the fields training reads and brought to one of three shapes.

- code: ``{"content": ...}`` (``task: code``), plain language modelling;
- instruct: ``{"prompt": ..., "content": ...}`` (``task: instruct``); Alpaca-style ``instruction``/``input``/
  ``output`` records become this shape (instruction and input joined by a blank line);
- chat: ``{"task": "chat", "messages": [{"role": ..., "content": ...}, ...]}``; ShareGPT-style
  ``conversations`` (``from``: human/gpt/system, ``value``) become this shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sigil import DataError, read_jsonl_numbered

ROLES = ("system", "user", "assistant", "tool")

#: ShareGPT speaker names → chat roles.
SHAREGPT_ROLES = {"system": "system", "human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant",
                  "bot": "assistant", "tool": "tool", "function_response": "tool"}


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """Records of a split in file order; a bad one is a DataError naming file and line."""
    for number, record in read_jsonl_numbered(path):
        yield check_record(record, f"{path}:{number}")


def check_record(record: dict[str, Any], where: str) -> dict[str, Any]:
    """``record`` in one of the three shapes, or a DataError starting with ``where`` that names the field."""
    if "messages" in record:
        return {**record, "task": "chat", "messages": _messages(record["messages"], where, "messages")}
    if "conversations" in record:
        turns = record["conversations"]
        if not isinstance(turns, list):
            raise DataError(f"{where}: field 'conversations' must be a list of turns")
        messages = []
        for index, turn in enumerate(turns):
            if not isinstance(turn, dict) or turn.get("from") not in SHAREGPT_ROLES:
                raise DataError(f"{where}: conversations[{index}].from must be one of {', '.join(SHAREGPT_ROLES)}")
            messages.append({"role": SHAREGPT_ROLES[turn["from"]], "content": turn.get("value")})
        return {**record, "task": "chat", "messages": _messages(messages, where, "conversations")}
    if "instruction" in record and "content" not in record:
        return _alpaca(record, where)
    content = record.get("content")
    if not isinstance(content, str):
        raise DataError(f"{where}: field 'content' must be a string (or give 'messages', 'conversations' or "
                        "'instruction'/'output')")
    prompt = record.get("prompt")
    if prompt is not None and not isinstance(prompt, str):
        raise DataError(f"{where}: field 'prompt' must be a string or null")
    task = record.get("task", "instruct" if prompt is not None else "code")
    if task not in ("code", "instruct"):
        raise DataError(f"{where}: field 'task' must be 'code' or 'instruct', not {task!r}")
    if task == "instruct" and prompt is None:
        raise DataError(f"{where}: task 'instruct' needs a 'prompt'")
    return record


def record_text(record: dict[str, Any]) -> str:
    """All the text of a checked record (what a tokenizer trained for it should have seen)."""
    if record.get("task") == "chat":
        return "\n".join(message["content"] for message in record["messages"])
    return (record.get("prompt") or "") + record["content"]


def _messages(messages: object, where: str, field: str) -> list[dict[str, str]]:
    if not isinstance(messages, list) or not messages:
        raise DataError(f"{where}: field '{field}' must be a non-empty list of turns")
    checked = []
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ROLES:
            raise DataError(f"{where}: {field}[{index}].role must be one of {', '.join(ROLES)}")
        if not isinstance(message.get("content"), str):
            raise DataError(f"{where}: {field}[{index}].content must be a string")
        checked.append({"role": message["role"], "content": message["content"]})
    if not any(message["role"] == "assistant" for message in checked):
        raise DataError(f"{where}: field '{field}' has no assistant turn to learn from")
    return checked


def _alpaca(record: dict[str, Any], where: str) -> dict[str, Any]:
    instruction, extra, output = record.get("instruction"), record.get("input") or "", record.get("output")
    for name, value in (("instruction", instruction), ("input", extra), ("output", output)):
        if not isinstance(value, str):
            raise DataError(f"{where}: field '{name}' must be a string")
    prompt = f"{instruction}\n\n{extra}" if extra.strip() else instruction
    return {**record, "task": "instruct", "prompt": prompt, "content": output}
