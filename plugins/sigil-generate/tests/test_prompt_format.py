"""``generate.chat_template: auto`` prompts a model the way its training did: the sft stage records the prompt
format beside the adapter (``prompt_format.json``), the generator reads it, and it is in the resume key."""

from __future__ import annotations

import json

import pytest
from conftest import RUST_TEXTS, write_jsonl, write_pipeline
from sigil_generate.config import GenerateSection
from sigil_generate.model import model_ref
from sigil_generate.stages.sampling import SamplingRun, progress_key, sampling_settings

from sigil import DEFAULT_PROMPT_TEMPLATE, PROMPT_FORMAT_FILE, ConfigError, Job, ModelRef, PromptFormat
from sigil.cli import main

RAW = PromptFormat("raw")
INSTRUCT = PromptFormat("instruct", DEFAULT_PROMPT_TEMPLATE)
CHAT = PromptFormat("chat", "{% for m in messages %}{{ m['content'] }}{% endfor %}")


@pytest.mark.parametrize(
    ("chat_template", "trained", "is_suite", "wrapped"),
    [
        ("auto", RAW, False, False),  # a model trained on raw code continues the prompt as text
        ("auto", INSTRUCT, True, True),  # an instruct model gets its template, suite prompts too
        ("auto", CHAT, False, True),
        ("auto", None, False, True),  # no record (a base model): today's rule, by the prompt source
        ("auto", None, True, False),
        (True, RAW, False, True),  # explicit values always win
        (False, INSTRUCT, False, False),
        (False, CHAT, False, False),
    ],
)
def test_auto_follows_the_trained_format_and_explicit_values_override(chat_template, trained, is_suite, wrapped):
    section = GenerateSection(chat_template=chat_template)
    assert sampling_settings(section, 1, is_suite, trained=trained).chat_template is wrapped


def test_the_record_round_trips_and_bad_records_are_one_line_errors_naming_file_and_field(tmp_path):
    assert PromptFormat.read(tmp_path) is None
    INSTRUCT.write(tmp_path)
    assert PromptFormat.read(tmp_path) == INSTRUCT
    path = tmp_path / PROMPT_FORMAT_FILE
    for text, field in [('{"kind": "jinja"}', "kind"), ('{"kind": "chat", "template": null}', "template"),
                        ('{"kind": "raw", "template": 3}', "template"), ("[1", "not a JSON")]:
        path.write_text(text)
        with pytest.raises(ConfigError) as error:
            PromptFormat.read(tmp_path)
        message = str(error.value)
        assert str(path) in message and field in message and "\n" not in message


def test_model_ref_reads_the_record_of_the_adapter_or_of_an_exported_base(tmp_path):
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text("{}")
    RAW.write(adapter)
    assert model_ref("hub/base", adapter).prompt_format == RAW
    exported = tmp_path / "exported"
    exported.mkdir()
    INSTRUCT.write(exported)
    assert model_ref(str(exported), None).prompt_format == INSTRUCT
    assert model_ref("hub/base", None).prompt_format is None


def test_the_trained_format_is_in_the_resume_key(tmp_path):
    jobs = [Job("p", "fn main() {", 0)]
    section = GenerateSection()
    settings = sampling_settings(section, 1, False, trained=None)

    def key(fmt: PromptFormat | None) -> str:
        run = SamplingRun(generator=_Identity(), generator_name="hf", model=ModelRef("b", adapter="a", prompt_format=fmt),
                          options=section, progress_path=tmp_path / "p.jsonl", log=None)  # type: ignore[arg-type]
        return progress_key(jobs, settings, run)

    # the same settings (a forced chat_template) and another training format: not the same completions' key
    assert len({key(None), key(RAW), key(INSTRUCT), key(CHAT)}) == 4


class _Identity:
    def identity(self, options):
        return {}


# --- through `sigil run`: sft on raw code, then on instruct pairs, each followed by `generate` with auto


def _instruct_corpus(path):
    rows = [{"id": f"i{i}", "source": "test", "path": None, "task": "instruct",
             "prompt": f"Write Rust program number {i}.", "content": text}
            for i, text in enumerate(RUST_TEXTS * 4)]
    return write_jsonl(path, rows)


@pytest.mark.torch
@pytest.mark.slow
def test_generation_prompts_as_training_did_and_a_new_training_format_reruns_it(tmp_path, prompts_file, corpus):
    train = {"adapter": "lora", "max_steps": 2, "micro_batch_size": 2, "grad_accum": 1, "lr": 1e-3,
             "dataloader_num_workers": 0, "tokenize_workers": 1, "eval_every": 0, "save_every": 100}

    def run(train_file):
        stages = [
            {"name": "data", "type": "fixture_data", "options": {"train": str(train_file)}},
            {"name": "sft", "type": "sft", "inputs": {"dataset": "data"}},
            {"name": "gen", "type": "generate"},
        ]
        pipeline = write_pipeline(tmp_path / "p.yaml", stages, train=train, lora={"r": 4, "alpha": 8},
                                  generate={"prompts": str(prompts_file), "limit": 1, "n": 1, "max_new_tokens": 4})
        assert main(["run", str(pipeline)]) == 0
        stage = tmp_path / "run" / "stages"
        recorded = PromptFormat.read(stage / "sft" / "adapter")
        info = json.loads((stage / "gen" / "generation.json").read_text())
        return recorded, info

    # trained on plain Rust files: the record says raw, and the prompt is continued as is (no ### Instruction:)
    recorded, info = run(corpus)
    assert recorded == RAW
    assert info["settings"]["chat_template"] is False and info["model"]["prompt_format"] == {"kind": "raw", "template": None}

    # the same pipeline trained on instruct pairs: generation re-runs and wraps prompts in the template trained on
    recorded, info = run(_instruct_corpus(tmp_path / "instruct" / "train.jsonl"))
    assert recorded is not None and recorded.kind == "instruct" and recorded.template
    assert info["settings"]["chat_template"] is True and info["model"]["prompt_format"]["kind"] == "instruct"
