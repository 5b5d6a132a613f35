from pathlib import Path

import pytest

from sigil.config import Section, load_config
from sigil.errors import ConfigError


def test_defaults_fill_every_section(write_yaml):
    config = load_config(write_yaml("model_name: m\nstages: [{name: d, type: data}]\n"))
    assert config.model_name == "m"
    assert config.dataset.min_length == 50
    assert config.misc.seed == 42
    assert config.misc.output_dir == str(Path("runs") / "pipeline")
    assert [stage.name for stage in config.stages] == ["d"]


@pytest.mark.parametrize("text", ["model_name: m\n", "stages: []\n"])
def test_a_pipeline_without_stages_is_one_error_line(write_yaml, text):
    """The kernel names no stage type, so it has no default pipeline: the file must say what it runs."""
    path = write_yaml(text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == f"{path}: stages: no stages; add e.g. `stages: [{{name: data, type: data}}]`"


def test_unknown_key_names_file_path_and_suggestion(write_yaml):
    path = write_yaml("dataset:\n  min_lenght: 3\n")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert message == f"{path}: dataset.min_lenght: unknown key (did you mean 'min_length'?)"


def test_unknown_key_inside_list_item(write_yaml):
    path = write_yaml("stages:\n  - {name: d, type: data, optoins: {}}\n")
    with pytest.raises(ConfigError, match=r"stages\[0\]\.optoins: unknown key \(did you mean 'options'\?\)"):
        load_config(path)


def test_unknown_top_level_key(write_yaml):
    with pytest.raises(ConfigError, match=r"model: unknown key \(did you mean 'model_name'\?\)"):
        load_config(write_yaml("model: x\n"))


def test_section_without_its_plugin_lists_the_installed_sections(write_yaml):
    """The kernel names no plugin: an unknown section says which sections are installed and how to find more."""
    with pytest.raises(ConfigError) as error:
        load_config(write_yaml("train:\n  lr: 1.0e-4\n"))
    message = str(error.value)
    assert "train: unknown key; top-level keys and sections: dataset, eval, misc, model_name, stages, sweep" in message
    assert "`sigil plugins`" in message or "not loaded" in message


def test_wrong_type_is_one_line(write_yaml):
    with pytest.raises(ConfigError) as error:
        load_config(write_yaml("misc: {seed: many}\n"))
    assert "misc.seed" in str(error.value)
    assert "\n" not in str(error.value)


def test_cross_field_rules_fail_at_load(write_yaml):
    with pytest.raises(ConfigError, match="min_length .* must be below max_length"):
        load_config(write_yaml("dataset:\n  min_length: 10\n  max_length: 5\n"))
    with pytest.raises(ConfigError, match="dataset_weights has 1 entries for 2 sources"):
        load_config(write_yaml("dataset:\n  names: [a, b]\n  dataset_weights: [1.0]\n"))


def test_reference_semicolon_names(write_yaml):
    config = load_config(write_yaml('stages: [{name: data, type: data}]\ndataset:\n  names: "local:a.jsonl; local:b.jsonl"\n'))
    assert config.dataset.names == ["local:a.jsonl", "local:b.jsonl"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: [\n", "invalid YAML"),
        ("- 1\n- 2\n", "the top level must be a mapping"),
    ],
)
def test_malformed_yaml(write_yaml, text, expected):
    path = write_yaml(text)
    with pytest.raises(ConfigError, match=expected) as error:
        load_config(path)
    assert str(error.value).startswith(str(path))


def test_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "absent.yaml")
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"a: \xff\xfe\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(binary)


def test_dotted_overrides(write_yaml):
    config = load_config(
        write_yaml("stages:\n  - {name: d, type: data}\n"),
        ["dataset.min_length=7", "model_name=other", "stages.0.name=first", "misc.output_dir=/tmp/x"],
    )
    assert config.dataset.min_length == 7
    assert config.model_name == "other"
    assert config.stages[0].name == "first"
    assert config.misc.output_dir == "/tmp/x"


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("nokey", "expected KEY=VALUE"),
        ("stages.5.name=x", "has no item 5"),
        ("model_name.x=1", "is not a section"),
        ("dataset.bogus=1", r"dataset\.bogus: unknown key"),
    ],
)
def test_bad_overrides(write_yaml, override, expected):
    with pytest.raises(ConfigError, match=expected):
        load_config(write_yaml("model_name: m\nstages:\n  - {name: d, type: data}\n"), [override])


def test_stage_overrides_are_validated_at_load(write_yaml):
    path = write_yaml("stages:\n  - {name: d, type: data, overrides: {dataset: {min_lenght: 1}}}\n")
    with pytest.raises(ConfigError, match=r"stages\[d\]\.overrides: dataset\.min_lenght: unknown key"):
        load_config(path)


def test_duplicate_stage_names(write_yaml):
    with pytest.raises(ConfigError, match="repeated: d"):
        load_config(write_yaml("stages:\n  - {name: d, type: data}\n  - {name: d, type: data}\n"))


class Greeting(Section):
    text: str = "hello"
    times: int = 1


def test_hook_register_config_sections(plugin, write_yaml):
    from sigil import hookimpl

    class Plugin:
        @hookimpl
        def register_config_sections(self, register):
            register("greeting", Greeting)

    plugin(Plugin(), name="greeting-plugin")
    config = load_config(write_yaml("stages: [{name: data, type: data}]\ngreeting:\n  times: 3\n"))
    assert config.greeting.times == 3  # type: ignore[attr-defined]
    assert config.greeting.text == "hello"  # type: ignore[attr-defined]
    with pytest.raises(ConfigError, match=r"greeting\.tims: unknown key \(did you mean 'times'\?\)"):
        load_config(write_yaml("stages: [{name: data, type: data}]\ngreeting:\n  tims: 3\n"))
