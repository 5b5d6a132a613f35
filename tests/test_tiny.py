"""sigil-tiny models: every size key reaches the model, the tokenizer says when it cannot reach the vocabulary
asked for, and a prompt ending in a newline tokenizes as the same text does inside a training program."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from sigil.errors import ConfigError
from sigil.tiny import build_tiny_model, parse_spec

pytestmark = pytest.mark.torch

PROGRAMS = [f"/// Return `x` times {k}.\nfn f{k}(x: i64) -> i64 {{\n    x * {k}\n}}\n" for k in range(40)]


def test_every_size_key_reaches_the_model_config(tmp_path: Path) -> None:
    from transformers import AutoConfig

    spec = parse_spec("sigil-tiny:llama,layers=3,hidden=48,heads=4,kv_heads=2,intermediate=80,vocab=300,tied=1")
    config = AutoConfig.from_pretrained(build_tiny_model(spec, PROGRAMS, tmp_path))
    assert (config.num_hidden_layers, config.hidden_size, config.num_attention_heads, config.num_key_value_heads,
            config.intermediate_size, config.tie_word_embeddings) == (3, 48, 4, 2, 80, True)
    assert not parse_spec("sigil-tiny:llama").tied
    with pytest.raises(ConfigError, match="tied must be 0 or 1"):
        parse_spec("sigil-tiny:llama,tied=2")


def test_a_vocabulary_the_text_cannot_reach_is_reported(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    spec = parse_spec("sigil-tiny:llama,vocab=5000")
    with caplog.at_level(logging.WARNING, logger="sigil.tiny"):
        path = build_tiny_model(spec, PROGRAMS, tmp_path)
    meta = json.loads((path / "sigil-tiny.json").read_text())
    assert meta["vocab_asked"] == 5000 and meta["vocab"] < 5000
    assert f"reached {meta['vocab']} of the 5000 tokens" in meta["vocab_note"]
    assert "no more token pairs to merge" in caplog.text


def test_a_prompt_ending_in_a_newline_tokenizes_as_inside_a_program(tmp_path: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(build_tiny_model(parse_spec("sigil-tiny:llama,vocab=400"), PROGRAMS, tmp_path))
    prompt = "/// Return `x` times 3.\nfn f3(x: i64) -> i64 {\n"
    whole = tokenizer(prompt + "    x * 3\n}\n")["input_ids"]
    alone = tokenizer(prompt)["input_ids"]
    assert whole[: len(alone)] == alone  # the prompt's tokens are a prefix of the program's
