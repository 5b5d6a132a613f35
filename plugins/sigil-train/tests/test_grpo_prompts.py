"""The prompts the grpo stage hands TRL are tokenized as sigil trains and samples the model: ``[bos] prompt``."""

from __future__ import annotations

from pathlib import Path

import pytest
from sigil_train.grpo.trainer import prompt_rows

from sigil import build_tiny_model, parse_spec
from sigil.tasks.builtin import train_suite

pytestmark = pytest.mark.torch


def test_grpo_prompts_start_with_bos_as_sigil_trains_and_samples_a_tiny_model(tmp_path: Path):
    """A tiny model's tokenizer adds no BOS itself, and TRL tokenizes the prompt text as it is: the demo's start
    compiled 13% of GRPO's samples against 69% of RSFT's from the same model and temperature (fails before: the
    rows held the bare prompt, tokenized without BOS)."""
    from transformers import AutoTokenizer

    problems = list(train_suite().problems[:3])
    texts = [p.prompt + (p.reference or "") + p.tests for p in train_suite().problems[:40]]
    tokenizer = AutoTokenizer.from_pretrained(build_tiny_model(parse_spec("sigil-tiny:llama,layers=1,hidden=32"),
                                                               texts, tmp_path))
    assert tokenizer(problems[0].prompt)["input_ids"][0] != tokenizer.bos_token_id  # the tokenizer adds none

    rows = prompt_rows(problems, tokenizer)
    assert [row["problem"] for row in rows] == [p.name for p in problems]
    for row, problem in zip(rows, problems, strict=True):
        # what TRL's GRPOTrainer does with a plain-text prompt: processing_class(text=prompts)
        ids = tokenizer(text=[row["prompt"]])["input_ids"][0]
        assert ids == [tokenizer.bos_token_id] + tokenizer(problem.prompt, add_special_tokens=False)["input_ids"]
