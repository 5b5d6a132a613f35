"""Encoding, chunking and packing: nothing truncated, loss only where it belongs, no cross-contamination."""

from __future__ import annotations

import pytest
import torch
from corpus import records
from sigil_train.data.collator import PackedCollator
from sigil_train.data.encode import IGNORE, Encoder, EncodeStats, Example
from sigil_train.data.pack import pack_examples

from sigil.tiny import build_tiny_model, parse_spec


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    texts = [r["content"] for r in records(60)]
    path = build_tiny_model(parse_spec("sigil-tiny:llama,layers=2,hidden=64"), texts, tmp_path_factory.mktemp("tiny"))
    model = AutoModelForCausalLM.from_pretrained(path, attn_implementation="sdpa").eval()
    return model, AutoTokenizer.from_pretrained(path)


def test_long_code_is_chunked_not_truncated(tiny):
    _, tokenizer = tiny
    encoder = Encoder(tokenizer, max_seq_len=32)
    content = "\n".join(r["content"] for r in records(8))
    stats = EncodeStats()
    examples = encoder.encode({"content": content, "task": "code"}, stats)
    whole = [tokenizer.bos_token_id, *tokenizer(content, add_special_tokens=False)["input_ids"], tokenizer.eos_token_id]
    assert [t for e in examples for t in e.input_ids] == whole
    assert all(len(e.input_ids) <= 32 for e in examples) and stats.chunked_records == 1


def test_instruct_loss_is_on_the_completion_only(tiny):
    _, tokenizer = tiny
    encoder = Encoder(tokenizer, max_seq_len=512)
    [example] = encoder.encode({"prompt": "Write fn add.", "content": "fn add() {}", "task": "instruct"}, EncodeStats())
    trained = [t for t, label in zip(example.input_ids, example.labels) if label != IGNORE]
    assert tokenizer.decode(trained) == "fn add() {}" + tokenizer.eos_token
    assert "### Instruction:\nWrite fn add." in tokenizer.decode(example.input_ids)


def test_chat_template_is_used_when_the_tokenizer_has_one(tiny):
    _, tokenizer = tiny
    templated = tokenizer.__class__.from_pretrained(tokenizer.name_or_path)
    templated.chat_template = (
        "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}{% if m['role'] == 'assistant' %}</s>{% endif %}"
        "{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}"
    )
    [example] = Encoder(templated, 512).encode({"prompt": "hi", "content": "fn a() {}", "task": "instruct"}, EncodeStats())
    assert templated.decode(example.input_ids).startswith("<|user|>hi<|assistant|>")
    trained = [t for t, label in zip(example.input_ids, example.labels) if label != IGNORE]
    assert templated.decode(trained) == "fn a() {}</s>"


def test_too_long_prompt_completion_is_dropped_and_counted(tiny):
    _, tokenizer = tiny
    stats = EncodeStats()
    assert Encoder(tokenizer, 16).encode({"prompt": "x " * 50, "content": "fn a() {}", "task": "instruct"}, stats) == []
    assert stats.dropped_too_long == 1


def test_best_fit_packing_keeps_every_token_within_rows():
    examples = [Example([i] * n, [i] * n) for i, n in enumerate([7, 5, 3, 3, 2, 9, 1, 4])]
    rows = pack_examples(examples, 10)
    assert all(len(row["input_ids"]) <= 10 and sum(row["seq_lengths"]) == len(row["input_ids"]) for row in rows)
    assert sorted(t for row in rows for t in row["input_ids"]) == sorted(t for e in examples for t in e.input_ids)
    assert len(rows) == 4  # 34 tokens in rows of 10: the minimum


def test_collator_restarts_positions_and_ignores_each_first_label():
    rows = [{"input_ids": [5, 6, 7, 8, 9], "labels": [5, 6, 7, 8, 9], "seq_lengths": [3, 2]}]
    batch = PackedCollator(pad_token_id=0)(rows + [{"input_ids": [4, 4], "labels": [4, 4], "seq_lengths": [2]}])
    assert batch["position_ids"].tolist() == [[0, 1, 2, 0, 1], [0, 1, 0, 1, 2]]
    assert batch["labels"].tolist() == [[IGNORE, 6, 7, IGNORE, 9], [IGNORE, 4, IGNORE, IGNORE, IGNORE]]
    assert "attention_mask" not in batch  # an all-ones mask would let examples attend to each other
    flat = PackedCollator(pad_token_id=0, layout="flat")(rows)
    assert flat["cu_seq_lens_q"].tolist() == [0, 3, 5]


def test_packed_example_sees_nothing_of_its_neighbour(tiny):
    model, _ = tiny
    generator = torch.Generator().manual_seed(0)
    a = torch.randint(3, 200, (23,), generator=generator).tolist()
    b = torch.randint(3, 200, (17,), generator=generator).tolist()
    collate = PackedCollator(pad_token_id=0)
    packed = collate([{"input_ids": a + b, "labels": a + b, "seq_lengths": [len(a), len(b)]}])
    alone = collate([{"input_ids": b, "labels": b, "seq_lengths": [len(b)]}])
    # use_cache=False as in training: with a KV cache transformers ignores the packed position ids (and leaks)
    with torch.no_grad():
        logits_packed = model(input_ids=packed["input_ids"], position_ids=packed["position_ids"],
                              use_cache=False).logits[0, len(a):]
        logits_alone = model(input_ids=alone["input_ids"], position_ids=alone["position_ids"], use_cache=False).logits[0]
        # the negative control: a plain causal mask over the row does leak A into B
        leaky = model(input_ids=packed["input_ids"], attention_mask=torch.ones_like(packed["input_ids"]),
                      position_ids=packed["position_ids"], use_cache=False).logits[0, len(a):]
    torch.testing.assert_close(logits_packed, logits_alone, rtol=1e-4, atol=1e-4)
    assert (leaky - logits_alone).abs().max() > 1e-3


def test_packed_batch_turns_the_cache_off_on_a_model_whose_config_has_it_on(tiny):
    # every loop that feeds batches as model(**batch) (training, evaluation, the benchmark) inherits the guard;
    # a model in eval mode with use_cache on in its config is what an evaluation loop meets
    model, _ = tiny
    generator = torch.Generator().manual_seed(1)
    a = torch.randint(3, 200, (19,), generator=generator).tolist()
    b = torch.randint(3, 200, (13,), generator=generator).tolist()
    collate = PackedCollator(pad_token_id=0)
    packed = collate([{"input_ids": a + b, "labels": a + b, "seq_lengths": [len(a), len(b)]}])
    alone = collate([{"input_ids": b, "labels": b, "seq_lengths": [len(b)]}])
    assert packed["use_cache"] is False
    assert PackedCollator(pad_token_id=0, layout="flat")([{"input_ids": a, "labels": a, "seq_lengths": [len(a)]}])[
        "use_cache"] is False
    before = model.config.use_cache
    model.config.use_cache = True
    try:
        model.eval()
        with torch.no_grad():
            logits_packed = model(**packed).logits[0, len(a):]
            logits_alone = model(**alone).logits[0]
            # the negative control: the same packed row with the cache on leaks A into B
            leaky = model(input_ids=packed["input_ids"], position_ids=packed["position_ids"]).logits[0, len(a):]
    finally:
        model.config.use_cache = before
    torch.testing.assert_close(logits_packed, logits_alone, rtol=1e-4, atol=1e-4)
    assert (leaky - logits_alone).abs().max() > 1e-3


def test_tiny_model_build_is_deterministic_and_cached(tmp_path):
    texts = [r["content"] for r in records(30)]
    spec = parse_spec("sigil-tiny:llama,layers=1,hidden=32,heads=2,kv_heads=1,vocab=300")
    first = build_tiny_model(spec, texts, tmp_path / "a")
    second = build_tiny_model(spec, texts, tmp_path / "b")
    assert (first / "tokenizer.json").read_bytes() == (second / "tokenizer.json").read_bytes()
    assert (first / "model.safetensors").read_bytes() == (second / "model.safetensors").read_bytes()
    assert build_tiny_model(spec, texts, tmp_path / "a") == first


@pytest.mark.parametrize("name", ["sigil-tiny:gpt", "sigil-tiny:llama,layers=0", "sigil-tiny:llama,hidden=30,heads=4",
                                  "sigil-tiny:llama,depth=2"])
def test_bad_tiny_specs_are_config_errors(name):
    from sigil.errors import ConfigError

    with pytest.raises(ConfigError, match="model_name"):
        parse_spec(name)
