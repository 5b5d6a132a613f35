"""Every key of ``generate`` and ``rsft`` is validated, and every key reaches the code that uses it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sigil_generate.prompts import load_prompts
from sigil_generate.rsft.keep import Verdict, select
from sigil_generate.stages.sampling import sampling_settings

from sigil.config import load_config
from sigil.errors import ConfigError


def load(tmp_path: Path, text: str, overrides: tuple[str, ...] = ()):
    path = tmp_path / "pipeline.yaml"
    path.write_text("stages: [{name: data, type: data}]\n" + text)  # a pipeline names its stages
    return load_config(path, overrides)


def test_defaults_load_and_sections_are_registered(tmp_path):
    config = load(tmp_path, "generate: {}\nrsft: {}\n")
    assert config.generate.n == 1 and config.rsft.rounds == 2


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("generate.n=0", "generate.n: Input should be greater than 0"),
        ("generate.temperature=-1", "generate.temperature"),
        ("generate.top_p=0", "generate.top_p"),
        ("generate.top_p=1.5", "generate.top_p"),
        ("generate.max_new_tokens=0", "generate.max_new_tokens"),
        ("generate.batch_size=0", "generate.batch_size"),
        ("generate.limit=0", "generate.limit"),
        ("generate.seed=abc", "generate.seed"),
        ("generate.stop=['']", "stop sequences must be non-empty"),
        ("generate.chat_template=maybe", "generate.chat_template"),
        ("generate.device=tpu", "generate.device"),
        ("generate.dtype=int8", "generate.dtype"),
        ("generate.engine=vllm", "generate.engine"),
        ("generate.generator=openai", "the openai generator needs openai.base_urls"),
        ("generate.openai.serve.command=[vllm,serve,'{bse}']", "unknown placeholder {bse}; known: base, adapter, model"),
        ("generate.openai.model={port}", "generate.openai.model"),
        ("generate.openai.concurrency=0", "generate.openai.concurrency"),
        ("generate.openai.max_retries=-1", "generate.openai.max_retries"),
        ("generate.tempreature=1", "generate.tempreature: unknown key (did you mean 'temperature'?)"),
        ("rsft.rounds=0", "rsft.rounds"),
        ("rsft.samples_per_prompt=0", "rsft.samples_per_prompt"),
        ("rsft.min_quality=1.5", "rsft.min_quality"),
        ("rsft.max_per_prompt=0", "rsft.max_per_prompt"),
        ("rsft.train_steps=0", "rsft.train_steps"),
        ("rsft.dedup=perhaps", "rsft.dedup"),
        ("rsft.accumulate=perhaps", "rsft.accumulate"),
        ("rsft.require_compile=perhaps", "rsft.require_compile"),
        ("rsft.require_tests_pass=perhaps", "rsft.require_tests_pass"),
        ("rsft.keep_best=1", "rsft.keep_best: unknown key"),
    ],
)
def test_bad_values_are_one_line_errors_naming_the_key(tmp_path, override, message):
    with pytest.raises(ConfigError) as error:
        load(tmp_path, "generate: {}\n", (override,))
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_a_keep_rule_that_accepts_everything_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="keep rule accepts everything"):
        load(tmp_path, "rsft: {min_quality: null, require_compile: false}\n")


def test_generate_keys_reach_the_sampling_settings(tmp_path):
    config = load(
        tmp_path,
        "generate: {temperature: 0.3, top_p: 0.5, max_new_tokens: 7, batch_size: 3, seed: 11, stop: ['END'], "
        "chat_template: true}\nmisc: {seed: 99}\n",
    )
    settings = sampling_settings(config.generate, config.misc.seed, is_suite=True, trained=None)
    assert settings.to_json() == {
        "temperature": 0.3, "top_p": 0.5, "max_new_tokens": 7, "batch_size": 3, "seed": 11, "stop": ("END",),
        "chat_template": True,
    }


def test_seed_defaults_to_misc_seed_and_chat_template_auto_follows_the_prompt_source(tmp_path):
    config = load(tmp_path, "generate: {}\nmisc: {seed: 99}\n")
    suite = sampling_settings(config.generate, config.misc.seed, is_suite=True, trained=None)
    plain = sampling_settings(config.generate, config.misc.seed, is_suite=False, trained=None)
    assert suite.seed == 99 and not suite.chat_template
    assert plain.chat_template
    config.generate.chat_template = False
    assert not sampling_settings(config.generate, 1, is_suite=False, trained=None).chat_template


def test_prompts_and_limit_select_the_prompts(tmp_path, prompts_file):
    assert len(load_prompts("sigil-basic").items) > 10
    assert [i.problem for i in load_prompts(str(prompts_file), limit=2).items] == ["add", "sum"]


def _verdict(problem: str, sample: int, compiles: bool = True, quality: float = 0.9, passed=None, code: str = ""):
    return Verdict(problem, sample, compiles, quality, passed, code or f"fn f{sample}() {{}}")


def test_every_rsft_keep_key_changes_what_is_kept(tmp_path):
    verdicts = [
        _verdict("p", 0, compiles=False, quality=0.9),
        _verdict("p", 1, quality=0.4),
        _verdict("p", 2, quality=0.8, passed=False),
        _verdict("p", 3, quality=0.7, passed=True),
        _verdict("p", 4, quality=0.7, passed=True, code="fn  f3( ) {}"),
    ]
    config = load(tmp_path, "rsft: {min_quality: 0.5, max_per_prompt: 10}\n")
    kept = lambda: [v.sample for v in select(verdicts, config.rsft).kept]  # noqa: E731
    assert kept() == [2, 3, 4]
    config.rsft.require_tests_pass = True
    assert kept() == [3, 4]
    config.rsft.require_tests_pass = False
    config.rsft.require_compile = False
    assert kept() == [0, 2, 3, 4]
    config.rsft.require_compile = True
    config.rsft.min_quality = None
    assert kept() == [2, 3, 4, 1]
    config.rsft.max_per_prompt = 1
    assert kept() == [2]
    config.rsft.max_per_prompt = 10
    config.rsft.min_quality = 0.5
    verdicts[4] = _verdict("p", 4, quality=0.7, code="fn   f3()   {}")
    assert kept() == [2, 3] and select(verdicts, config.rsft).rejected["duplicate"] == 1
    config.rsft.dedup = False
    assert kept() == [2, 3, 4]
