"""Values reach the config typed as the user meant them; hostile or ambiguous YAML is refused in one line."""

from __future__ import annotations

import json
import time

import pytest

from sigil.cli import main
from sigil.config import load_config
from sigil.config.loader import apply_override
from sigil.errors import ConfigError


def test_unquoted_edition_in_yaml_and_override(write_yaml):
    """``edition: 2021`` is read by YAML as a number; it used to fail with "Input should be '2015', ..."."""
    path = write_yaml("stages: [{name: data, type: data}]\neval: {edition: 2021}\n")
    assert load_config(path).eval.edition == "2021"
    assert load_config(path, ["eval.edition=2015"]).eval.edition == "2015"
    with pytest.raises(ConfigError, match=r"eval\.edition: Input should be '2015', '2018', '2021' or '2024'"):
        load_config(path, ["eval.edition=2019"])


def test_booleans_are_not_turned_into_text(write_yaml):
    with pytest.raises(ConfigError, match=r"eval\.functional\.suite: Input should be a valid string"):
        load_config(write_yaml("eval: {functional: {suite: yes}}\n"))


def test_typed_values_are_set_as_they_are(write_yaml):
    config = load_config(write_yaml("stages: [{name: data, type: data}]\n"), values={"eval.functional.suite": "yes", "eval.edition": "2018"})
    assert config.eval.functional.suite == "yes"
    assert config.eval.edition == "2018"


def _eval(tmp_path, *flags: str) -> int:
    samples = tmp_path / "s.jsonl"
    samples.write_text(json.dumps({"id": "a", "completion": "fn main() {}"}) + "\n")
    return main(["eval", str(samples), "--output", str(tmp_path / "out"), "--no-cache", *flags])


def test_cli_flags_are_typed_values(tmp_path, capsys, monkeypatch):
    """``sigil eval s.jsonl --edition 2021`` used to fail (the flag was turned back into text, re-read as YAML,
    and became a number); ``--suite yes`` became ``True``."""
    from sigil.cli import eval as eval_cli

    seen = {}
    monkeypatch.setattr(eval_cli, "flag_values", lambda flags, real=eval_cli.flag_values: seen.update(real(flags)) or seen)
    _eval(tmp_path, "--edition", "2021", "--suite", "yes", "--k", "1,2")
    assert seen["eval.edition"] == "2021"
    assert seen["eval.functional.suite"] == "yes"
    assert "Input should be" not in capsys.readouterr().err


def test_cli_edition_flag_evaluates(tmp_path, capsys):
    assert _eval(tmp_path, "--edition", "2021") == 0, capsys.readouterr().err
    metrics = [json.loads(line) for line in (tmp_path / "out" / "metrics.jsonl").read_text().splitlines()]
    assert metrics[-1]["total_samples"] == 1


def test_duplicate_key_names_file_line_and_key(write_yaml):
    path = write_yaml("train_steps: 1\ndataset:\n  min_length: 3\nmisc: {seed: 1}\ndataset:\n  max_length: 9\n")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == f"{path}: line 5: duplicate key 'dataset' (first on line 2)"


def test_nested_duplicate_key(write_yaml):
    path = write_yaml("misc:\n  seed: 1\n  seed: 2\n")
    with pytest.raises(ConfigError, match=r"line 3: duplicate key 'seed' \(first on line 2\)"):
        load_config(path)


def test_merge_keys_still_override(write_yaml):
    path = write_yaml("base: &b {seed: 1, output_dir: x}\nmisc:\n  <<: *b\n  seed: 2\n")
    with pytest.raises(ConfigError, match=r"base: unknown key"):  # merges work; `base` itself is not a key
        load_config(path)


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)


def test_alias_bomb_in_stage_overrides_is_refused_quickly(write_yaml):
    """A 1 KB alias bomb (9**9 values) in stage overrides used to take over a minute and gigabytes."""
    text = BOMB + "stages:\n  - {name: d, type: data, overrides: {dataset: {names: *i}}}\n"
    assert len(text) < 2048
    started = time.monotonic()
    with pytest.raises(ConfigError, match=r"more than 100,000 values once YAML aliases are expanded"):
        load_config(write_yaml(text))
    assert time.monotonic() - started < 10  # generous bound on a refusal that takes ~0.05 s; a hang fails


def test_aliases_refused_in_overrides():
    with pytest.raises(ConfigError, match=r"anchors and aliases .* are not accepted here"):
        apply_override({}, "dataset.names=&a [x]")


def test_deep_nesting_is_one_line(write_yaml):
    with pytest.raises(ConfigError, match="nested too deeply"):
        load_config(write_yaml("a: " + "[" * 3000 + "]" * 3000 + "\n"))


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        ("[{name: a, type: data}, {name: b, type: data, inputs: {samples: nope}}]",
         r"stages\[1\] \(b\): inputs\.samples names 'nope', which is no stage; earlier stages: a"),
        ("[{name: a, type: data, inputs: {data: b}}, {name: b, type: data}]",
         r"stages\[0\] \(a\): inputs\.data names 'b', which is a later stage; earlier stages: none"),
    ],
)
def test_stage_references_checked_before_running(write_yaml, tmp_path, capsys, stages, message):
    path = write_yaml(f"misc: {{output_dir: {tmp_path / 'run'}}}\nstages: {stages}\n")
    for command in ("validate", "run"):
        assert main([command, str(path)]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and str(path) in err
        assert __import__("re").search(message, err), err
    assert not (tmp_path / "run" / "stages").exists()  # nothing ran


def test_option_stage_reference_checked(plugin, write_yaml, tmp_path, capsys):
    """``warm_start: nope`` (an option marked StageRef) fails validation instead of after earlier stages ran."""
    module = pytest.importorskip("sigil_train.plugin")
    plugin(module, name="sigil_train")
    path = write_yaml(f"misc: {{output_dir: {tmp_path / 'run'}}}\nstages: [{{name: d, type: data}}, "
                      "{name: s, type: sft, options: {warm_start: nope}}]\n")
    assert main(["validate", str(path)]) == 1
    assert "stages[1] (s): options.warm_start names 'nope', which is no stage; earlier stages: d" in capsys.readouterr().err
