"""Fingerprints cover exactly what a stage reads: its own keys, its components' declared ``reads``, input files by
content; and nothing else (where results go, sections no component of the stage reads)."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from sigil import hookimpl
from sigil.cli import main
from sigil.config import InputPath, Section, load_config
from sigil.errors import PluginError
from sigil.pipeline import StageContext, StageResult
from sigil.pipeline.runner import plan_stages, stage_fingerprint
from sigil.plugins import Registry

# Every stage type the repo ships, with the plugins that provide them and the sections they own.
PLUGIN_MODULES = (
    "sigil_license_filter.plugin",
    "sigil_panic_scorer.plugin",
    "sigil_generate.plugin",
    "sigil_train.plugin",
    "sigil_wandb.plugin",
)

PIPELINE = """
misc: {{output_dir: {run_dir}}}
eval: {{scorers: [compile, clippy, idiomatic, doc, panics]}}
stages:
  - {{name: data, type: data}}
  - {{name: sft, type: sft}}
  - {{name: generate, type: generate}}
  - {{name: evaluate, type: evaluate, options: {{samples: {samples}}}}}
  - {{name: rsft, type: rsft}}
"""


@pytest.fixture
def all_plugins(plugin):
    for name in PLUGIN_MODULES:
        module = pytest.importorskip(name)
        plugin(module, name=name.split(".")[0])


@pytest.fixture
def fingerprints(all_plugins, write_yaml, tmp_path):
    """``fingerprints(*overrides)``: stage name → fingerprint of the pipeline above (no earlier results)."""
    samples = tmp_path / "samples.jsonl"
    samples.write_text('{"id": "a", "completion": "fn main() {}"}\n')
    path = write_yaml(PIPELINE.format(run_dir=tmp_path / "run", samples=samples))

    def compute(*overrides: str) -> dict[str, str]:
        config = load_config(path, overrides)
        return {planned.spec.name: stage_fingerprint(planned, {}) for planned in plan_stages(config, str(path))}

    compute.samples = samples  # type: ignore[attr-defined]
    return compute


# override → the stages whose fingerprint must change; every other stage's must not.
CASES = [
    ("license.allowed=[MIT]", {"data"}),
    ("license.require_header=true", {"data"}),
    ("panics.indexing=true", {"evaluate", "rsft"}),  # the panics scorer runs in both
    ("generate.temperature=0.3", {"generate", "rsft"}),
    ("train.lr=0.001", {"sft", "rsft"}),
    ("lora.r=4", {"sft", "rsft"}),
    ("eval.idiomatic_weights.documentation=0.5", {"data", "evaluate", "rsft"}),  # the data stage's scored filters use them
    ("misc.output_dir=/elsewhere", set()),
    ("misc.logging_dir=/elsewhere/logs", set()),
    ("sweep.grid={train.lr: [1, 2]}", set()),
    ("wandb.project=elsewhere", set()),  # a logger's section changes where metrics go, not any result
    ("train.report_to=[tensorboard]", set()),  # HF's integrations inside the trainer: where metrics go, too
    ("train.num_epochs=2", {"sft", "rsft"}),
]


@pytest.mark.parametrize(("override", "changed"), CASES, ids=[case[0] for case in CASES])
def test_each_section_reaches_exactly_the_stages_that_read_it(fingerprints, override, changed):
    before, after = fingerprints(), fingerprints(override)
    assert {name for name in before if before[name] != after[name]} == changed


def test_panics_section_is_out_of_stages_that_do_not_run_the_scorer(fingerprints):
    before = fingerprints("eval.scorers=[compile]")
    after = fingerprints("eval.scorers=[compile]", "panics.indexing=true")
    assert before == after


def test_hook_register_filters(fingerprints):
    """A filter's ``reads`` is recorded by the registry and reaches the data stage's fingerprint."""
    from sigil.plugins import registry

    assert registry("filters").entry("license").reads == ("license",)
    assert registry("scorers").entry("panics").reads == ("panics",)


def test_samples_file_in_options_is_hashed_by_content(fingerprints):
    before = fingerprints()
    with fingerprints.samples.open("a") as handle:
        handle.write('{"id": "b", "completion": "fn main() { }"}\n')
    after = fingerprints()
    assert {name for name in before if before[name] != after[name]} == {"evaluate"}


def test_prompts_file_is_hashed_by_content(fingerprints, tmp_path):
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text('{"prompt": "fn add(a: i32, b: i32) -> i32 {"}\n')
    before = fingerprints(f"generate.prompts={prompts}")
    with prompts.open("a") as handle:
        handle.write('{"prompt": "fn sub(a: i32, b: i32) -> i32 {"}\n')
    after = fingerprints(f"generate.prompts={prompts}")
    assert {name for name in before if before[name] != after[name]} == {"generate", "rsft"}


def test_reads_must_be_a_tuple_of_keys():
    registry = Registry("filter")
    with pytest.raises(PluginError, match=r"reads='license'.*expected a tuple"):
        registry.add("license", object(), "p", reads="license")  # type: ignore[arg-type]


def test_reads_naming_a_missing_key_fails_at_plan_time(plugin, write_yaml, tmp_path):
    class Typo:
        Options = Section
        config_keys = ()
        version = "1"

        @classmethod
        def uses(cls, config, options):
            return {"scorers": ["bad"]}

        def run(self, ctx: StageContext) -> StageResult:
            return StageResult()

    class Plugin:
        @hookimpl
        def register_stages(self, register):
            register("typo", Typo)

        @hookimpl
        def register_scorers(self, register):
            register("bad", object(), reads=("evall",))

    plugin(Plugin(), name="typo")
    path = write_yaml(f"misc: {{output_dir: {tmp_path / 'run'}}}\nstages: [{{name: t, type: typo}}]\n")
    with pytest.raises(Exception, match="depends on unknown config key 'evall'"):
        plan_stages(load_config(path), str(path))


def test_input_path_marker_hashes_directories_by_content(plugin, write_yaml, tmp_path):
    from typing import Annotated

    class DirOptions(Section):
        source: Annotated[str, InputPath()]

    runs: list[str] = []

    class ReadsDir:
        Options = DirOptions
        config_keys = ()
        version = "1"

        def run(self, ctx: StageContext) -> StageResult:
            runs.append(ctx.name)
            return StageResult()

    class Plugin:
        @hookimpl
        def register_stages(self, register):
            register("reads_dir", ReadsDir)

    plugin(Plugin(), name="reads-dir")
    data = tmp_path / "dataset"
    data.mkdir()
    (data / "part-0.jsonl").write_text('{"content": "fn a() {}"}\n')
    path = write_yaml(f"misc: {{output_dir: {tmp_path / 'run'}}}\nstages: [{{name: r, type: reads_dir, options: {{source: {data}}}}}]\n")
    assert main(["run", str(path)]) == 0
    assert main(["run", str(path)]) == 0
    assert runs == ["r"]
    with (data / "part-0.jsonl").open("a") as handle:  # a row appended: same file names, new content
        handle.write('{"content": "fn b() {}"}\n')
    assert main(["run", str(path)]) == 0
    assert runs == ["r", "r"]


def test_license_override_reruns_the_data_stage(plugin, tmp_path, capsys):
    """The issue's reproduction: after a data run, ``-o license.allowed=[MIT] -o license.require_header=true``
    re-runs the data stage (it used to say "up to date, skipped" and keep every file)."""
    plugin(importlib.import_module("sigil_license_filter.plugin"), name="sigil_license_filter")
    source = tmp_path / "src"
    source.mkdir()
    body = "/// Returns {n}.\npub fn value_{n}() -> u32 {{\n    {n} * 31 + {n} % 7 + 1000 - {n}\n}}\n"
    (source / "mit.rs").write_text("// SPDX-License-Identifier: MIT\n" + body.format(n=1))
    (source / "plain.rs").write_text(body.format(n=2))
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text(f"misc: {{output_dir: {tmp_path / 'run'}}}\nstages: [{{name: data, type: data}}]\ndataset: {{names: ['dir:{source}'], min_length: 10, validation_split: 0}}\n")

    def passed() -> int:
        return json.loads((tmp_path / "run/stages/data/stats.json").read_text())["total"]["passed"]

    assert main(["run", str(pipeline)]) == 0
    assert passed() == 2
    assert main(["run", str(pipeline), "-o", "license.allowed=[MIT]", "-o", "license.require_header=true"]) == 0
    assert "up to date" not in capsys.readouterr().err
    assert passed() == 1
    assert main(["run", str(pipeline), "-o", "license.allowed=[MIT]", "-o", "license.require_header=true"]) == 0
    assert passed() == 1


def test_moving_the_run_directory_does_not_rerun(plugin, tmp_path):
    source = tmp_path / "data.jsonl"
    source.write_text("".join(json.dumps({"content": f"pub fn f{n}() -> u32 {{ {n} * 1000 + 7 }}\n" * 3}) + "\n" for n in range(5)))
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text(f"dataset: {{names: ['local:{source}'], min_length: 10, validation_split: 0}}\nmisc: {{output_dir: {tmp_path / 'a'}}}\nstages: [{{name: data, type: data}}]\n")
    assert main(["run", str(pipeline)]) == 0
    recorded = json.loads((tmp_path / "a/manifest.json").read_text())["stages"]["data"]["fingerprint"]
    (tmp_path / "a").rename(tmp_path / "b")
    assert main(["run", str(pipeline), "-o", f"misc.output_dir={tmp_path / 'b'}", "-o", "misc.logging_dir=/tmp/x"]) == 0
    manifest = json.loads((tmp_path / "b/manifest.json").read_text())
    assert manifest["stages"]["data"]["fingerprint"] == recorded


def test_appended_row_in_a_local_dataset_directory_reruns_data(tmp_path, monkeypatch):
    """A local dataset directory read by ``datasets.load_dataset`` (``hf:PATH``) is hashed by content: it used to
    be fingerprinted by its name alone, so a row appended was "up to date, skipped"."""
    pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf-cache"))
    directory = tmp_path / "ds"
    directory.mkdir()
    rows = [{"content": f"pub fn f{n}() -> u32 {{ {n} * 1000 + 7 }}\n" * 3} for n in range(4)]
    (directory / "train.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text(f"misc: {{output_dir: {tmp_path / 'run'}}}\nstages: [{{name: data, type: data}}]\ndataset: {{names: ['hf:{directory}'], min_length: 10, validation_split: 0}}\n")

    def read() -> int:
        return json.loads((tmp_path / "run/stages/data/stats.json").read_text())["total"]["read"]

    assert main(["run", str(pipeline)]) == 0
    assert read() == 4
    with (directory / "train.jsonl").open("a") as handle:
        handle.write(json.dumps({"content": "pub fn g() -> u32 { 123456 }\n" * 3}) + "\n")
    assert main(["run", str(pipeline)]) == 0
    assert read() == 5


def test_only_runs_the_first_stage_on_a_fresh_directory(all_plugins, tmp_path):
    """``sigil run --only data`` on a fresh run directory runs that stage and exits 0 (it used to exit 1,
    complaining that the later stages had no result)."""
    pipeline = Path(__file__).resolve().parents[2] / "configs" / "demo.yaml"
    if not pipeline.exists():
        pytest.skip("configs/demo.yaml missing")
    code = main(["run", str(pipeline), "--only", "data", "-o", f"misc.output_dir={tmp_path / 'run'}"])
    assert code == 0
    assert (tmp_path / "run/stages/data/train.jsonl").exists()
    assert not (tmp_path / "run/stages/sft").exists()


def test_stage_context_carries_the_fingerprint_for_resume_keys(plugin, write_yaml, tmp_path):
    seen: list[str] = []

    class Records:
        Options = Section
        config_keys = ("misc",)
        version = "1"

        def run(self, ctx: StageContext) -> StageResult:
            seen.append(ctx.fingerprint)
            return StageResult()

    class Plugin:
        @hookimpl
        def register_stages(self, register):
            register("records", Records)

    plugin(Plugin(), name="records")
    path = write_yaml(f"misc: {{output_dir: {tmp_path / 'run'}}}\nstages: [{{name: r, type: records}}]\n")
    assert main(["run", str(path), "--force"]) == 0
    assert main(["run", str(path), "--force", "-o", f"misc.output_dir={tmp_path / 'moved'}"]) == 0
    assert main(["run", str(path), "--force", "-o", "misc.seed=1"]) == 0
    recorded = json.loads((tmp_path / "run/manifest.json").read_text())["stages"]["r"]["fingerprint"]
    assert seen[0] == seen[1] != seen[2] == recorded and len(seen[0]) == 16
