"""The ``generate`` stage through ``sigil run``: samples file format, n per prompt, seeds, adapters, bad input."""

from __future__ import annotations

import json

import pytest
from conftest import write_jsonl, write_pipeline

from sigil.cli import main
from sigil.evaluation.samples import read_samples

pytestmark = pytest.mark.torch


def samples_of(run_dir, stage="gen"):
    path = run_dir / "stages" / stage / "samples.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_writes_n_samples_per_prompt_in_the_samples_format(tmp_path, prompts_file, corpus):
    pipeline = write_pipeline(
        tmp_path / "p.yaml",
        [{"name": "data", "type": "fixture_data", "options": {"train": str(corpus)}}, {"name": "gen", "type": "generate"}],
        generate={"prompts": str(prompts_file), "n": 2, "limit": 2},
    )
    assert main(["run", str(pipeline)]) == 0
    rows = samples_of(tmp_path / "run")
    assert [(r["problem"], r["sample"]) for r in rows] == [("add", 0), ("add", 1), ("sum", 0), ("sum", 1)]
    for row in rows:
        assert set(row) == {"id", "prompt", "gen", "problem", "sample", "completion"}
        assert row["id"] == f"{row['problem']}/{row['sample']}" and row["gen"] == row["completion"]
    assert rows[0]["prompt"] == "Write a Rust function that adds one to a number."
    # the evaluator's reader accepts the file as it is
    assert [s.problem for s in read_samples(tmp_path / "run" / "stages" / "gen" / "samples.jsonl")] == ["add", "add", "sum", "sum"]
    info = json.loads((tmp_path / "run" / "stages" / "gen" / "generation.json").read_text())
    assert info["settings"]["seed"] == 7 and info["settings"]["chat_template"] is True and info["adapter"] is None


def test_same_seed_same_file_other_seed_other_samples(tmp_path, prompts_file):
    def run(name, seed):
        pipeline = write_pipeline(tmp_path / f"{name}.yaml", [{"name": "gen", "type": "generate"}],
                                  generate={"prompts": str(prompts_file), "limit": 1, "seed": seed, "max_new_tokens": 8},
                                  misc={"output_dir": str(tmp_path / name)})
        assert main(["run", str(pipeline)]) == 0
        return [r["gen"] for r in samples_of(tmp_path / name)]

    assert run("a", 1) == run("b", 1)
    assert run("c", 2) != run("a", 1)


def test_suite_prompts_become_whole_programs_with_their_tests(tmp_path):
    pipeline = write_pipeline(tmp_path / "p.yaml", [{"name": "gen", "type": "generate"}],
                              generate={"prompts": "sigil-basic", "limit": 1, "n": 1})
    assert main(["run", str(pipeline)]) == 0
    [row] = samples_of(tmp_path / "run")
    from sigil_generate.prompts import load_prompts

    problem = load_prompts("sigil-basic", limit=1).items[0].suite_problem
    assert row["problem"] == problem.name
    assert row["gen"].startswith(problem.prompt) and row["gen"].endswith(problem.tests)
    assert "\n}" not in row["completion"]  # cut at the suite's stop token


def test_a_rerun_resumes_from_saved_samples_without_gaps_or_duplicates(tmp_path, prompts_file):
    pipeline = write_pipeline(tmp_path / "p.yaml", [{"name": "gen", "type": "generate"}],
                              generate={"prompts": str(prompts_file), "n": 2, "batch_size": 2})
    assert main(["run", str(pipeline)]) == 0
    first = samples_of(tmp_path / "run")
    progress = tmp_path / "run" / "work" / "gen" / "progress.jsonl"
    lines = progress.read_text().splitlines()
    assert len(lines) == 1 + 6  # key + one line per sample
    # pretend the run was killed after three samples, with a tampered second sample, a duplicate of the first
    # and a torn last line: only the missing samples are generated again, each recorded once
    tampered = json.loads(lines[2])
    tampered["completion"] = "resumed"
    progress.write_text("\n".join([lines[0], lines[1], json.dumps(tampered), lines[1], lines[3], lines[4][:20]]) + "\n")
    assert main(["run", str(pipeline), "--force"]) == 0
    again = samples_of(tmp_path / "run")
    assert again[1]["gen"] == "resumed"
    assert again[:1] == first[:1] and again[2:] == first[2:]
    records = [json.loads(line) for line in progress.read_text().splitlines()[1:]]
    assert sorted((r["problem"], r["sample"]) for r in records) == sorted((r["problem"], r["sample"]) for r in first)


def test_dtype_and_device_are_in_the_resume_key(tmp_path, prompts_file, caplog):
    """Issue 9: changing generate.dtype re-ran the stage but "resumed after 2 of 2 batches" with the old samples."""
    def run(name, *overrides):
        pipeline = write_pipeline(tmp_path / f"{name}.yaml", [{"name": "gen", "type": "generate"}],
                                  generate={"prompts": str(prompts_file), "limit": 2, "dtype": "float32"},
                                  misc={"output_dir": str(tmp_path / name), "seed": 7})
        assert main(["run", str(pipeline), *overrides]) == 0
        return [r["gen"] for r in samples_of(tmp_path / name)]

    def key(name):
        return (tmp_path / name / "work" / "gen" / "progress.jsonl").read_text().splitlines()[0]

    run("a")
    fp32_key = key("a")
    caplog.clear()
    bf16 = run("a", "-o", "generate.dtype=bfloat16")
    assert "stage gen (generate): running" in caplog.text and "resuming" not in caplog.text
    assert key("a") != fp32_key
    assert bf16 == run("fresh", "-o", "generate.dtype=bfloat16")  # what a fresh bf16 run samples
    caplog.clear()
    run("a", "-o", "generate.dtype=bfloat16", "-o", "generate.device=cpu", "--force")
    assert "resuming" not in caplog.text and key("a") != fp32_key


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"id": "x"}], "prompt 1: field 'prompt' must be a non-empty string"),
        ([{"prompt": "a", "id": "x"}, {"prompt": "b", "id": "x"}], "prompt 2: field 'problem'/'id': 'x' is used twice"),
        ([{"prompt": "a", "stop": "END"}], "prompt 1: field 'stop' must be a list"),
    ],
)
def test_bad_prompt_files_are_one_line_errors(tmp_path, capsys, rows, message):
    prompts = write_jsonl(tmp_path / "bad.jsonl", rows)
    pipeline = write_pipeline(tmp_path / "p.yaml", [{"name": "gen", "type": "generate"}], generate={"prompts": str(prompts)})
    assert main(["run", str(pipeline)]) == 1
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert message in error and str(prompts) in error
    assert not (tmp_path / "run" / "stages" / "gen").exists()


def test_missing_or_unknown_prompt_sources_and_non_utf8(tmp_path, capsys):
    for source, message in [("nope_suite", "unknown suite 'nope_suite'; known: "), (str(tmp_path / "missing.jsonl"), "no such file")]:
        pipeline = write_pipeline(tmp_path / "p.yaml", [{"name": "gen", "type": "generate"}], generate={"prompts": source})
        assert main(["run", str(pipeline)]) == 1
        assert message in capsys.readouterr().err
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b'{"prompt": "\xff\xfe"}\n')
    pipeline = write_pipeline(tmp_path / "p.yaml", [{"name": "gen", "type": "generate"}], generate={"prompts": str(binary)})
    assert main(["run", str(pipeline)]) == 1
    assert "not UTF-8" in capsys.readouterr().err


def test_unknown_generator_is_named(tmp_path, capsys, prompts_file):
    pipeline = write_pipeline(tmp_path / "p.yaml", [{"name": "gen", "type": "generate"}],
                              generate={"prompts": str(prompts_file), "generator": "vllm"})
    assert main(["run", str(pipeline)]) == 1
    assert "unknown generator 'vllm'" in capsys.readouterr().err


@pytest.mark.slow
def test_samples_come_from_the_latest_sft_adapter(tmp_path, prompts_file, corpus):
    stages = [
        {"name": "data", "type": "fixture_data", "options": {"train": str(corpus)}},
        # the stand-in data stage is not of type "data": name it as the input
        {"name": "base", "type": "generate", "inputs": {"dataset": "data"}},
        {"name": "sft", "type": "sft", "inputs": {"dataset": "data"}},
        {"name": "tuned", "type": "generate"},
    ]
    train = {"adapter": "lora", "max_steps": 3, "micro_batch_size": 2, "grad_accum": 1, "lr": 5e-2,
             "dataloader_num_workers": 0, "tokenize_workers": 1, "eval_every": 0, "save_every": 100}
    pipeline = write_pipeline(tmp_path / "p.yaml", stages, train=train, lora={"r": 4, "alpha": 8},
                              generate={"prompts": str(prompts_file), "limit": 2, "temperature": 0.0})
    assert main(["run", str(pipeline)]) == 0
    run = tmp_path / "run"
    tuned = json.loads((run / "stages" / "tuned" / "generation.json").read_text())
    assert tuned["adapter_stage"] == "sft" and tuned["adapter"].endswith("adapter")
    base_info = json.loads((run / "stages" / "base" / "generation.json").read_text())
    assert base_info["adapter"] is None and base_info["base_model"] == tuned["base_model"]
    # a large learning rate on the adapter changes greedy completions
    assert [r["gen"] for r in samples_of(run, "base")] != [r["gen"] for r in samples_of(run, "tuned")]


@pytest.mark.slow
def test_a_moved_run_directory_resumes_an_interrupted_round_without_resampling(tmp_path, prompts_file, corpus, caplog):
    """Issue 9: the progress key held the adapter's absolute path, so moving the run directory discarded every
    sample of an interrupted round and sampled it again."""
    stages = [
        {"name": "data", "type": "fixture_data", "options": {"train": str(corpus)}},
        {"name": "sft", "type": "sft", "inputs": {"dataset": "data"}},
        {"name": "gen", "type": "generate"},
    ]
    train = {"adapter": "lora", "max_steps": 1, "micro_batch_size": 2, "grad_accum": 1,
             "dataloader_num_workers": 0, "tokenize_workers": 1, "eval_every": 0, "save_every": 100}

    def pipeline(run_dir):
        return write_pipeline(tmp_path / "p.yaml", stages, train=train, lora={"r": 4, "alpha": 8},
                              generate={"prompts": str(prompts_file), "limit": 2, "n": 2, "batch_size": 2},
                              misc={"output_dir": str(run_dir), "seed": 7})

    assert main(["run", str(pipeline(tmp_path / "run"))]) == 0
    # interrupted after the first two samples, the second marked so a re-sample would show
    progress = tmp_path / "run" / "work" / "gen" / "progress.jsonl"
    lines = progress.read_text().splitlines()
    marked = {**json.loads(lines[2]), "completion": "kept from before the move"}
    progress.write_text("\n".join([lines[0], lines[1], json.dumps(marked)]) + "\n")
    (tmp_path / "run").rename(tmp_path / "moved")
    caplog.clear()
    assert main(["run", str(pipeline(tmp_path / "moved")), "--only", "gen"]) == 0
    assert "resuming with 2 of 4 samples done" in caplog.text
    rows = samples_of(tmp_path / "moved")
    assert rows[1]["completion"] == "kept from before the move"
