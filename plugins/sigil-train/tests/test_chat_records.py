"""Chat and instruction records: messages, ShareGPT conversations, Alpaca instruction/input/output, each mapped
through a chat template with the loss on assistant turns only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from sigil_train.data.encode import CHAT_TEMPLATES, IGNORE, Encoder, EncodeStats
from sigil_train.data.records import check_record, read_records

from sigil.cli import main
from sigil.errors import ConfigError, DataError
from sigil.tiny import _train_tokenizer

CONVERSATION = [
    {"role": "system", "content": "You write Rust."},
    {"role": "user", "content": "Add two numbers."},
    {"role": "assistant", "content": "fn add(a: i32, b: i32) -> i32 { a + b }"},
    {"role": "user", "content": "Now subtract."},
    {"role": "assistant", "content": "fn sub(a: i32, b: i32) -> i32 { a - b }"},
]
TEXTS = [m["content"] for m in CONVERSATION] * 20 + ["<|im_start|> <|im_end|> assistant user system ### Response"]


@pytest.fixture(scope="module")
def tokenizer_factory():
    base = _train_tokenizer(TEXTS, 400)

    def make(template: str | None = None):
        import copy

        tokenizer = copy.deepcopy(base)
        tokenizer.chat_template = template
        return tokenizer

    return make


def labelled_spans(example) -> list[list[int]]:
    """The runs of consecutive positions that carry a label."""
    spans, current = [], []
    for token, label in zip(example.input_ids, example.labels):
        if label == IGNORE:
            if current:
                spans.append(current)
            current = []
        else:
            assert label == token
            current.append(token)
    return spans + ([current] if current else [])


def test_messages_learn_only_the_assistant_turns(tokenizer_factory):
    tokenizer = tokenizer_factory()
    encoder = Encoder(tokenizer, 512, chat_template="chatml")
    stats = EncodeStats()
    [example] = encoder.encode(check_record({"messages": CONVERSATION}, "t:1"), stats)
    spans = [tokenizer.decode(span) for span in labelled_spans(example)]
    assert spans == [CONVERSATION[2]["content"] + "<|im_end|>\n", CONVERSATION[4]["content"] + "<|im_end|>\n</s>"]
    rendered = tokenizer.apply_chat_template(CONVERSATION, tokenize=False)
    assert tokenizer.decode(example.input_ids) == rendered + "</s>"
    assert (stats.chat_records, stats.examples) == (1, 1)


def test_sharegpt_conversations_are_the_same_conversation(tokenizer_factory):
    encoder = Encoder(tokenizer_factory(), 512, chat_template="chatml")
    speakers = {"system": "system", "user": "human", "assistant": "gpt"}
    sharegpt = {"conversations": [{"from": speakers[m["role"]], "value": m["content"]} for m in CONVERSATION]}
    [a] = encoder.encode(check_record(sharegpt, "t:1"), EncodeStats())
    [b] = encoder.encode(check_record({"messages": CONVERSATION}, "t:2"), EncodeStats())
    assert (a.input_ids, a.labels) == (b.input_ids, b.labels)


def test_the_tokenizers_own_template_is_used(tokenizer_factory):
    own = ("{% for m in messages %}{{ '### ' + m['role'] + ':\\n' + m['content'] + '\\n' }}{% endfor %}"
           "{% if add_generation_prompt %}{{ '### assistant:\\n' }}{% endif %}")
    tokenizer = tokenizer_factory(own)
    [example] = Encoder(tokenizer, 512).encode(check_record({"messages": CONVERSATION[1:3]}, "t:1"), EncodeStats())
    assert [tokenizer.decode(span) for span in labelled_spans(example)] == [CONVERSATION[2]["content"] + "\n</s>"]
    assert tokenizer.decode(example.input_ids).startswith("### user:\nAdd two numbers.\n### assistant:\n")


def test_llama3_named_template(tokenizer_factory):
    tokenizer = tokenizer_factory()
    [example] = Encoder(tokenizer, 512, chat_template="llama3").encode(
        check_record({"messages": CONVERSATION[1:3]}, "t:1"), EncodeStats())
    assert tokenizer.chat_template == CHAT_TEMPLATES["llama3"]
    assert example.input_ids[0] == tokenizer.bos_token_id and example.labels[0] == IGNORE
    assert [tokenizer.decode(span) for span in labelled_spans(example)] == [CONVERSATION[2]["content"] + "<|eot_id|></s>"]


def test_alpaca_records_are_instruct_records(tokenizer_factory):
    record = check_record({"instruction": "Add two numbers.", "input": "i32", "output": "fn add() {}"}, "t:1")
    assert (record["task"], record["prompt"], record["content"]) == ("instruct", "Add two numbers.\n\ni32", "fn add() {}")
    assert check_record({"instruction": "Add.", "input": "", "output": "x"}, "t:1")["prompt"] == "Add."
    tokenizer = tokenizer_factory()
    [example] = Encoder(tokenizer, 512).encode(record, EncodeStats())
    assert [tokenizer.decode(span) for span in labelled_spans(example)] == ["fn add() {}</s>"]


def test_chat_without_a_template_names_the_key(tokenizer_factory):
    with pytest.raises(ConfigError, match="train.chat_template"):
        Encoder(tokenizer_factory(), 512).encode(check_record({"messages": CONVERSATION}, "t:1"), EncodeStats())


def test_a_template_that_rewrites_earlier_turns_is_refused(tokenizer_factory):
    # renders the last message differently from the same message in the middle: no turn-by-turn mask exists
    unstable = ("{% for m in messages %}{% if loop.last %}{{ 'LAST ' }}{% endif %}{{ m['content'] + '\\n' }}"
                "{% endfor %}")
    encoder = Encoder(tokenizer_factory(unstable), 512)
    with pytest.raises(DataError, match="record r7: the chat template does not render this conversation turn by turn"):
        encoder.encode(check_record({"id": "r7", "messages": CONVERSATION[1:3]}, "t:1"), EncodeStats())


@pytest.mark.parametrize(
    ("record", "message"),
    [({"messages": []}, "field 'messages' must be a non-empty list"),
     ({"messages": [{"role": "robot", "content": "x"}]}, r"messages\[0\].role must be one of"),
     ({"messages": [{"role": "user", "content": "x"}]}, "no assistant turn"),
     ({"conversations": [{"from": "alien", "value": "x"}]}, r"conversations\[0\].from must be one of"),
     ({"instruction": "x", "output": 3}, "field 'output' must be a string"),
     ({"text": "x"}, "field 'content' must be a string")],
)
def test_bad_records_name_file_line_and_field(tmp_path: Path, record, message):
    path = tmp_path / "train.jsonl"
    path.write_text(json.dumps({"content": "fn main() {}"}) + "\n" + json.dumps(record) + "\n")
    with pytest.raises(DataError, match=f"{path}:2: .*{message}"):
        list(read_records(path))


def chat_pipeline(tmp_path: Path, rows: list[dict]) -> Path:
    train = tmp_path / "in" / "chat.jsonl"
    train.parent.mkdir(exist_ok=True)
    train.write_text("".join(json.dumps(row) + "\n" for row in rows))
    pipeline = tmp_path / "p.yml"
    pipeline.write_text(yaml.safe_dump({
        "model_name": "sigil-tiny:llama",
        "misc": {"output_dir": str(tmp_path / "run"), "seed": 7},
        "train": {"adapter": "lora", "max_steps": 2, "micro_batch_size": 2, "grad_accum": 1, "eval_every": 0,
                  "log_every": 1, "dataloader_num_workers": 0, "tokenize_workers": 1, "max_seq_len": 256,
                  "chat_template": "chatml"},
        "stages": [{"name": "chat", "type": "sft_data", "options": {"train": str(train)}},
                   {"name": "sft", "type": "sft", "inputs": {"dataset": "chat"}}],
    }))
    return pipeline


def test_a_bad_record_stops_the_run_before_training(tmp_path: Path, capsys):
    pipeline = chat_pipeline(tmp_path, [{"messages": CONVERSATION}, {"messages": [{"role": "user", "content": "x"}]}])
    assert main(["run", str(pipeline)]) == 1
    assert f"{tmp_path / 'in' / 'chat.jsonl'}:2: field 'messages' has no assistant turn" in capsys.readouterr().err
    assert not (tmp_path / "run" / "stages" / "chat").exists() and not (tmp_path / "run" / "work" / "sft").exists()


def test_a_missing_file_is_refused_before_any_stage(tmp_path: Path, capsys):
    pipeline = chat_pipeline(tmp_path, [])
    pipeline.write_text(pipeline.read_text().replace(str(tmp_path / "in" / "chat.jsonl"), str(tmp_path / "absent.jsonl")))
    assert main(["run", str(pipeline)]) != 0
    assert "options.train" in capsys.readouterr().err and not (tmp_path / "run" / "stages").exists()


@pytest.mark.slow
@pytest.mark.torch
def test_chat_dataset_trains_from_a_pipeline(tmp_path: Path):
    rows = [{"messages": CONVERSATION}, {"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "fn hi() {}"}]},
            {"instruction": "Write main.", "input": "", "output": "fn main() {}"}] * 4
    assert main(["run", str(chat_pipeline(tmp_path, rows))]) == 0
    run = tmp_path / "run"
    published = json.loads((run / "stages" / "chat" / "stage.json").read_text())["metrics"]
    assert (published["train_records"], published["train_chat_records"], published["train_instruct_records"]) == (12, 8, 4)
    stage = run / "stages" / "sft"
    stats = json.loads((stage / "trainer_args.json").read_text())["sigil"]["data"]["train"]
    assert (stats["records"], stats["chat_records"], stats["instruct_records"]) == (12, 8, 4)
    saved = json.loads((stage / "adapter" / "tokenizer_config.json").read_text())
    template = saved.get("chat_template") or (stage / "adapter" / "chat_template.jinja").read_text()
    assert template == CHAT_TEMPLATES["chatml"]


def test_the_prompt_format_record_says_what_the_run_taught(tokenizer_factory):
    """What the sft stage writes beside its adapter (``prompt_format.json``) for generation to read."""
    from sigil import DEFAULT_PROMPT_TEMPLATE, PromptFormat

    plain = Encoder(tokenizer_factory(), 512)
    assert plain.prompt_format(chat_records=0, instruct_records=0) == PromptFormat("raw")
    assert plain.prompt_format(chat_records=0, instruct_records=3) == PromptFormat("instruct", DEFAULT_PROMPT_TEMPLATE)
    chatml = Encoder(tokenizer_factory(), 512, chat_template="chatml")
    # with a chat template, instruct pairs are rendered through it: that text is the template recorded
    assert chatml.prompt_format(chat_records=0, instruct_records=3) == PromptFormat("instruct", CHAT_TEMPLATES["chatml"])
    assert chatml.prompt_format(chat_records=1, instruct_records=3) == PromptFormat("chat", CHAT_TEMPLATES["chatml"])
    # plain code on top of an instruct model keeps the warm start's record (the only way it learned to be prompted)
    instruct = PromptFormat("instruct", DEFAULT_PROMPT_TEMPLATE)
    assert plain.prompt_format(chat_records=0, instruct_records=0, warm_start=instruct) == instruct
    assert plain.prompt_format(chat_records=0, instruct_records=0, warm_start=PromptFormat("raw")) == PromptFormat("raw")
