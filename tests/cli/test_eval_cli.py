"""``sigil eval`` at its edges: isolation only by the explicit flag, outputs checked before work, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sigil.cli import main

GOOD = '/// Adds.\nfn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n\nfn main() {\n    println!("{}", add(1, 2));\n}\n'


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    path = tmp_path / "samples.jsonl"
    path.write_text(json.dumps({"prompt": "add", "gen": GOOD}) + "\n")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- isolation (#11 item 8)


@pytest.mark.parametrize("how", ["config", "override"])
def test_sandbox_none_from_a_config_or_override_is_refused(how, samples, tmp_path, capsys):
    """`eval.sandbox: none` in a config file (or `-o eval.sandbox=none`) compiled unsandboxed, silently."""
    out = tmp_path / "out"
    if how == "config":
        config = tmp_path / "pipeline.yaml"
        config.write_text("eval: {sandbox: none}\n")
        extra = ["--config", str(config)]
    else:
        extra = ["-o", "eval.sandbox=none"]
    code, _, err = run(capsys, "eval", str(samples), "--output", str(out), "--no-cache", *extra)
    assert code == 1 and err.count("\n") == 1
    assert "eval.sandbox: 'none' is not accepted from a config file or override" in err and "--no-sandbox" in err
    assert not out.exists()


def test_pipeline_with_sandbox_none_does_not_validate(capsys, write_yaml):
    path = write_yaml("eval: {sandbox: none}\nstages: [{name: e, type: evaluate, options: {samples: s.jsonl}}]\n")
    code, _, err = run(capsys, "validate", str(path))
    assert code == 1 and "eval.sandbox: 'none' is not accepted" in err


@pytest.mark.parametrize("flag", [["--no-sandbox"], ["--sandbox-mode", "none"]])
def test_only_the_flag_turns_isolation_off_and_it_warns_every_time(flag, samples, tmp_path, capsys):
    out = tmp_path / "out"
    for _ in range(2):
        code, _, err = run(capsys, "eval", str(samples), "--output", str(out), "--no-cache", *flag,
                           "-o", "eval.scorers=[compile]")
        assert code == 0, err
        assert "warning: --no-sandbox: samples are compiled and run WITHOUT isolation" in err
    lines = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [line["isolation"] for line in lines] == ["none", "none"]
    code, _, err = run(capsys, "eval", str(samples), "--output", str(out), "--no-cache", "-o", "eval.scorers=[compile]")
    assert code == 0 and "warning" not in err
    assert json.loads((out / "metrics.jsonl").read_text().splitlines()[-1])["isolation"] == "bwrap"


# --- --output (#9, #11 item 12)


def test_output_ending_in_jsonl_appends_one_line_to_that_file(samples, tmp_path, capsys):
    """The reference's meaning of `--output metrics.jsonl`; sigil created a directory of that name."""
    target = tmp_path / "metrics.jsonl"
    target.write_text('{"earlier": 1}\n')
    for _ in range(2):
        code, _, err = run(capsys, "eval", str(samples), "--output", str(target), "--no-cache",
                           "-o", "eval.scorers=[compile]")
        assert code == 0, err
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert lines[0] == {"earlier": 1} and [line["compile_rate"] for line in lines[1:]] == [1.0, 1.0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.jsonl", "samples.jsonl"]


def test_output_directory_still_works(samples, tmp_path, capsys):
    out = tmp_path / "results"
    code, _, err = run(capsys, "eval", str(samples), "--output", str(out), "--no-cache", "-o", "eval.scorers=[compile]")
    assert code == 0, err
    assert {"metrics.jsonl", "results.jsonl", "summary.json", "per_problem.json"} <= {p.name for p in out.iterdir()}
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging directory left behind


@pytest.mark.parametrize("target", ["a_file.txt", "a_file.txt/below"])
def test_output_that_cannot_be_a_directory_fails_before_any_work(target, samples, tmp_path, capsys, monkeypatch):
    (tmp_path / "a_file.txt").write_text("keep me\n")
    import sigil.evaluation.evaluate as module

    monkeypatch.setattr(module, "evaluate", lambda *a, **k: pytest.fail("the evaluation ran"))
    code, _, err = run(capsys, "eval", str(samples), "--output", str(tmp_path / target), "--no-cache")
    assert code == 1 and err.count("\n") == 1 and err.startswith("error: --output ")
    assert (tmp_path / "a_file.txt").read_text() == "keep me\n"


# --- settings the evaluator refuses: one line, before work (#11 item 12)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--compile-timeout", "inf"], "eval.compile_timeout: Input should be a finite number"),
        (["--compile-timeout", "1e300"], "eval.compile_timeout: Input should be less than or equal to 86400"),
        (["--run-timeout", "nan"], "eval.functional.run_timeout: Input should be a finite number"),
        (["-o", "eval.cache_dir=/etc/passwd/below"], "eval.cache_dir /etc/passwd/below: cannot create"),
        (["-o", "eval.lints=[--bogus]"], 'eval.lints: "--bogus": expected -W/-A/-D/-F'),
        (["-o", "eval.deps=[not a line]"], 'eval.deps: "not a line" is not a Cargo dependency line'),
    ],
)
def test_bad_eval_settings_are_one_line(args, message, samples, tmp_path, capsys):
    code, _, err = run(capsys, "eval", str(samples), "--output", str(tmp_path / "out"), *args)
    assert code == 1 and err.count("\n") == 1, err
    assert message in err
    assert not (tmp_path / "out").exists()


def test_deeply_nested_inputs_are_one_line(samples, tmp_path, capsys):
    deep_json = tmp_path / "deep.jsonl"
    deep_json.write_text('{"a": ' * 100_000 + "\n")
    code, _, err = run(capsys, "eval", str(deep_json), "--output", str(tmp_path / "out"))
    assert code == 1 and "deep.jsonl:1: malformed JSON line: nested too deeply" in err and err.count("\n") == 1
    deep_yaml = tmp_path / "deep.yaml"
    deep_yaml.write_text("eval: " + "[" * 100_000 + "\n")
    code, _, err = run(capsys, "eval", str(samples), "--config", str(deep_yaml), "--output", str(tmp_path / "out"))
    assert code == 1 and "deep.yaml: invalid YAML: nested too deeply" in err and err.count("\n") == 1


# --- damaged or hostile inputs (#11 item 14)


def test_a_huge_sample_is_refused_without_holding_it(tmp_path, capsys):
    path = tmp_path / "huge.jsonl"
    with path.open("w") as handle:
        handle.write(json.dumps({"prompt": "add", "gen": GOOD}) + "\n")
        handle.write('{"prompt": "big", "gen": "' + "x" * (3 << 20) + '"}\n')
        handle.write(json.dumps({"prompt": "add2", "gen": GOOD}) + "\n")
    out = tmp_path / "out"
    argv = ["eval", str(path), "--output", str(out), "--no-cache", "-o", "eval.max_sample_bytes=1000000",
            "-o", "eval.scorers=[compile]"]
    code, _, err = run(capsys, *argv)
    assert code == 1 and "huge.jsonl:2: malformed JSON line: line of 3145757 bytes is longer than the limit" in err
    code, _, err = run(capsys, *argv, "--skip-bad-lines")
    assert code == 0, err
    metrics = json.loads((out / "metrics.jsonl").read_text())
    assert (metrics["total_samples"], metrics["bad_lines"], metrics["compile_rate"]) == (2, 1, 1.0)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_not_a_samples_file(device, tmp_path, capsys):
    code, _, err = run(capsys, "eval", device, "--output", str(tmp_path / "out"), "--skip-bad-lines")
    assert code == 1 and err == f"error: {device}: is a character device, expected a JSONL file\n"


def test_suites_validate_no_sandbox_warns(tmp_path, capsys):
    problem = {"name": "add", "prompt": "fn add(a: i32, b: i32) -> i32 {\n", "reference": "    a + b\n",
               "tests": "}\n\nfn main() {\n    assert_eq!(add(2, 3), 5);\n}\n"}
    suite = tmp_path / "tiny.jsonl"
    suite.write_text(json.dumps(problem) + "\n")
    code, out, err = run(capsys, "suites", "validate", str(suite), "--no-sandbox")
    assert code == 0 and "tiny: ok" in out, out + err
    assert "warning: --no-sandbox: the suite's programs are built and run WITHOUT isolation" in err
    code, out, err = run(capsys, "suites", "validate", str(suite))
    assert code == 0 and "warning" not in err
