"""The HTML run report: a real pipeline's run directory, rendered by the report stage and shown in a real headless
browser (Chromium from the distribution), plus the status, escaping and final-loss rules.

The run is made by the real runner, the real metrics.jsonl writer and the real ``evaluate`` stage (sandbox,
rustc). Two test stages stand in for RSFT and a control arm: they log held-out metrics computed by the RSFT
plugin's own ``heldout_metrics`` and write its verdict files, so the report reads exactly what the ``rsft`` stage
writes, under stage names and types the report has never heard of.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sigil_generate.rsft.heldout import VERDICTS, HeldoutVerdict, heldout_metrics

from sigil import NoOptions, StageContext, StageResult, hookimpl
from sigil.cli import main
from sigil.config import load_config
from sigil.pipeline.runner import run_pipeline
from sigil.plugins import register_plugin, unregister_plugin
from sigil.report.gather import gather, run_status
from sigil.report.html import render_html
from sigil.report.markdown import render_markdown

HOSTILE = '</script><img src=x onerror="alert(1)"><script>alert(2)</script>'
PROBLEMS = 20


def verdicts(passing: int, compiling: int) -> list[HeldoutVerdict]:
    out = []
    for i in range(PROBLEMS):
        status = "passed" if i < passing else "failed" if i < compiling else "compile_error"
        completion = f"    x + {i}\n}}\n" if i else f"    // {HOSTILE}\n    x\n}}\n"
        broken = status == "compile_error"
        out.append(HeldoutVerdict(f"heldout-{i:05d}", status, completion, "type_mismatch" if broken else None,
                                  ["E0308"] if broken else [], {} if broken else {"clippy::needless_return": 1}))
    return out


class HeldoutArm:
    """Logs per-round held-out metrics and verdicts the way the rsft stage does; ``gain`` passes more per round."""

    Options = NoOptions
    config_keys = ()
    version = "1"
    gain = 0

    def run(self, ctx: StageContext) -> StageResult:
        baseline = verdicts(2, 8)
        for step in range(4):
            current = verdicts(2 + self.gain * step, 8 + self.gain * step)
            round_dir = ctx.work_dir / f"round-{step:03d}"
            round_dir.mkdir(parents=True, exist_ok=True)
            (round_dir / VERDICTS).write_text("".join(json.dumps(dataclasses.asdict(v)) + "\n" for v in current))
            ctx.log_metrics(heldout_metrics(current, baseline if step else None, seed=step), step=step)
        return StageResult(metrics={"rounds": 3})


class Learner(HeldoutArm):
    gain = 3


class Control(HeldoutArm):
    gain = 0


class SnapshotArm(HeldoutArm):
    """Logs what an ``rsft-heldout`` stage logs for a GRPO arm's snapshots: the held-out metrics against the shared
    start, with the completions sampled by each step (40 per round's worth)."""

    gain = 1

    def run(self, ctx: StageContext) -> StageResult:
        baseline = verdicts(2, 8)
        for step in range(4):
            current = verdicts(2 + self.gain * step, 8)
            ctx.log_metrics({**heldout_metrics(current, baseline if step else None, seed=step),
                             "completions_sampled": 40 * step}, step=step)
        return StageResult(metrics={"rounds": 3})


class Trainer:
    """Logs a falling loss like a trainer; its summary holds the run average, as the trl trainer's does."""

    Options = NoOptions
    config_keys = ()
    version = "1"

    def run(self, ctx: StageContext) -> StageResult:
        for step, loss in ((10, 2.5), (20, 1.25), (30, 0.4321)):
            ctx.log_metrics({"loss": loss, "lr": 1e-3}, step=step)
        return StageResult(metrics={"train_loss": 1.394, "steps": 30})


class Interrupted:
    Options = NoOptions
    config_keys = ()
    version = "1"

    def run(self, ctx: StageContext) -> StageResult:
        raise KeyboardInterrupt


class TestStages:
    @hookimpl
    def register_stages(self, register: Any) -> None:
        register("test-learner", Learner)
        register("test-control", Control)
        register("test-trainer", Trainer)
        register("test-snapshots", SnapshotArm)
        register("test-interrupted", Interrupted)


PROGRAM = """/// Adds two numbers.
fn add(a: i32, b: i32) -> i32 {
    a + b
}

fn main() {
    let total = add(2, 2);
    println!("{}", total);
}
"""
SAMPLES = [
    ("ok", PROGRAM),
    ("hostile", PROGRAM.replace("/// Adds two numbers.", f"/// Adds two numbers. {HOSTILE}")),
    ("mismatch", PROGRAM.replace("let total = add(2, 2);", 'let total: i32 = "four";')),
]


@pytest.fixture(scope="module")
def stages() -> Iterator[None]:
    name = register_plugin(TestStages(), name="report-test-stages")
    yield
    unregister_plugin(name)


def run(tmp: Path, stage_list: str) -> Path:
    run_dir = tmp / "run"
    samples = tmp / "samples.jsonl"
    samples.write_text("".join(json.dumps({"id": f"{n}/0", "prompt": "", "gen": code, "problem": n, "sample": 0}) + "\n"
                               for n, code in SAMPLES))
    config = tmp / "pipeline.yaml"
    config.write_text(f"misc: {{output_dir: {run_dir}}}\neval: {{cache_dir: null}}\n"
                      + stage_list.replace("SAMPLES", str(samples)))
    run_pipeline(load_config(config), str(config))
    return run_dir


FULL = """stages:
  - {name: sft, type: test-trainer}
  - {name: learn, type: test-learner}
  - {name: arm-gold, type: test-control}
  - {name: check, type: evaluate, options: {samples: SAMPLES}}
  - {name: summary, type: report}
"""


@pytest.fixture(scope="module")
def completed_run(stages: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run(tmp_path_factory.mktemp("completed"), FULL)


def test_report_stage_writes_a_self_contained_page(completed_run: Path):
    page = (completed_run / "stages/summary/report.html").read_text()
    assert '<div class="status ok" id="status">completed</div>' in page
    # curves for both arms, found by metric name: one chart per metric, one polyline per stage, with intervals
    assert page.count("<svg") >= 4 and page.count("<polyline") >= 2 * 2 + 1, page
    assert "<title>learn</title></polyline>" in page and "<title>arm-gold</title></polyline>" in page
    assert "<polygon" in page  # the interval band of the improving arm
    # nothing that loads or runs anything
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    # paired tests, the resolved config, stage timings, the evaluation's verdicts
    assert "McNemar" in page and "heldout_pass" in page
    # 9 gained, 0 lost: p = 2/2^9 < 0.01, shown bold; the control arm's rows are not
    assert '<tr class="sig"><td>learn</td><td class="num">3</td><td>heldout_pass</td>' in page
    assert '<tr class="sig"><td>arm-gold</td>' not in page
    assert "config.resolved.yaml" in page and "test-learner" in page
    assert "seconds per stage" in page
    assert "E0308" in page
    # what failed, by step: the held-out programs' error codes of each arm (12 of 20 fail to build at step 0)
    codes = page.split("learn <code>heldout_error_codes</code></h3>", 1)[1].split("</table>", 1)[0]
    assert "<td>E0308</td>" + "".join(f'<td class="num">{n}</td>' for n in (12, 9, 6, 3)) in codes, codes


def test_the_report_page_renders_in_a_real_browser(completed_run: Path, tmp_path: Path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail("chromium is not installed: `make install-test` installs it (apt-get install chromium)")
    page = completed_run / "stages/summary/report.html"
    shot = tmp_path / "shot.png"
    result = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--screenshot={shot}",
         "--window-size=1200,2000", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    width, height, pixels = decode_png(shot.read_bytes())
    assert (width, height) == (1200, 2000)
    colours = Counter(pixels)
    background, count = colours.most_common(1)[0]
    assert len(colours) >= 30, colours.most_common(10)  # text, charts in several colours, tables
    assert 1 - count / len(pixels) >= 0.05, f"{count / len(pixels):.1%} of the page is {background}"
    # the chart colours themselves are on screen: the first two series' strokes
    assert {(0x00, 0x72, 0xB2), (0xD5, 0x5E, 0x00)} <= set(colours), "no curve colours in the screenshot"


def test_hostile_sample_text_is_shown_escaped(completed_run: Path):
    page = (completed_run / "stages/summary/report.html").read_text()
    assert HOSTILE not in page and "<img" not in page and "onerror=\"alert" not in page
    escaped = "&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    # from the evaluate stage's verdicts and from the held-out verdict files
    assert page.count(escaped) >= 2, page
    assert "check/results.jsonl" in page and f"work/learn/round-003/{VERDICTS}" in page


def test_final_training_loss_is_the_last_logged_loss(completed_run: Path):
    report = gather(completed_run)
    assert [(loss.stage, loss.final) for loss in report.losses] == [("sft", 0.4321)]
    markdown = (completed_run / "stages/summary/report.md").read_text()
    assert "| sft | 0.4321 | 30 | 2.5 | 0.4321 | 3 |" in markdown, markdown
    assert "## Config" in markdown and "type: test-trainer" in markdown
    assert ">0.4321<" in (completed_run / "stages/summary/report.html").read_text()


def test_markdown_and_html_come_from_one_gathering(completed_run: Path, capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path):
    """`sigil report RUN_DIR --html FILE` after the run: the status is the run's (completed), curves by step."""
    page = tmp_path / "page.html"
    assert main(["report", str(completed_run), "--html", str(page)]) == 0
    out = capsys.readouterr().out
    assert "- status: completed;" in out
    assert "| learn | 0.1 [" in out and "| arm-gold | 0.1 [" in out  # step 0 of each arm: 2 of 20 pass
    assert "| learn | 3 | heldout_pass | 9 | 0 |" in out
    assert "completed</div>" in page.read_text()


def test_an_interrupted_run_is_not_completed(stages: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, "stages:\n  - {name: sft, type: test-trainer}\n  - {name: stop, type: test-interrupted}\n"
                      "  - {name: summary, type: report}\n")
    run_dir = tmp_path / "run"
    assert main(["report", str(run_dir), "--html", str(tmp_path / "page.html")]) == 0
    out = capsys.readouterr().out
    assert "- status: not completed: stage stop interrupted; stage summary not run;" in out, out
    page = (tmp_path / "page.html").read_text()
    assert '<div class="status bad" id="status">not completed: stage stop interrupted' in page


def test_a_report_before_the_last_stage_says_what_has_not_run(stages: None, tmp_path: Path):
    run_dir = run(tmp_path, "stages:\n  - {name: sft, type: test-trainer}\n  - {name: summary, type: report}\n"
                            "  - {name: later, type: test-trainer}\n")
    text = (run_dir / "stages/summary/report.md").read_text()
    assert "- status: not completed: stage later not run;" in text


def test_status_of_a_killed_run():
    """A run killed outright (no Ctrl-C handler ran) leaves its manifest saying "running"."""
    manifest = {"status": "running", "stages": {"sft": {"status": "completed"}}}
    status = run_status(manifest, ["sft", "evaluate"])
    assert not status.completed and "still going or was killed" in status.text and "stage evaluate not run" in status.text
    assert run_status({"status": "completed", "stages": {"sft": {"status": "completed"}}}, ["sft"]).completed
    # a run of a selection (--only) completed, but not every stage the config lists ran
    assert not run_status({"status": "completed", "stages": {"sft": {"status": "completed"}}}, ["sft", "x"]).completed


def test_a_run_without_metrics_still_renders(tmp_path: Path):
    (tmp_path / "manifest.json").write_text(json.dumps({"status": "failed", "stages": {
        "data": {"type": "data", "status": "failed", "error": "boom <b>"}}}))
    report = gather(tmp_path)
    assert report.status.text == "not completed: stage data failed (boom <b>)"
    page = render_html(report)
    assert "boom &lt;b&gt;" in page and "boom <b>" not in page
    assert "not completed" in render_markdown(report)


# --- a PNG decoder (Pillow when the environment has it; zlib otherwise) -----------------------------------


def decode_png(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """(width, height, RGB of every pixel) of an 8-bit RGB or RGBA PNG, as Chromium writes them."""
    try:
        import io

        from PIL import Image  # type: ignore[import-not-found]
    except ImportError:
        return decode_png_zlib(data)
    image = Image.open(io.BytesIO(data)).convert("RGB")
    # Pillow 13 deprecates getdata() for get_flattened_data(); older Pillow has only getdata()
    pixels = image.get_flattened_data() if hasattr(image, "get_flattened_data") else image.getdata()
    return image.width, image.height, list(pixels)


def decode_png_zlib(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, []
    width = height = colour = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
        elif kind == b"IDAT":
            idat.append(body)
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    pixels: list[tuple[int, int, int]] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        # undo the row's filter (PNG spec, section 9)
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, previous, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = previous[i], previous[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        pixels += [(line[x], line[x + 1], line[x + 2]) for x in range(0, stride, bpp)]
        previous = line
    return width, height, pixels


def test_examples_collapse_blank_output(tmp_path: Path):
    """A model that writes 60 newlines is shown as such, not as a screen of empty box."""
    (tmp_path / "manifest.json").write_text(json.dumps({"status": "completed", "stages": {}}))
    verdicts_dir = tmp_path / "work" / "anything" / "round-002"
    verdicts_dir.mkdir(parents=True)
    lines = [{"problem": "p1", "status": "compile_error", "completion": "\n" * 60},
             {"problem": "p2", "status": "passed", "completion": "a\n\n\n\n\nb\n"}]
    (verdicts_dir / VERDICTS).write_text("".join(json.dumps(line) + "\n" for line in lines))
    shown = {e.name: (e.passed, e.text) for e in gather(tmp_path).examples}
    assert shown == {"p1": (False, "(empty or only whitespace)"), "p2": (True, "a\n\n…\n\nb")}


def test_pass_at_k_is_shown_without_its_per_problem_breakdown(tmp_path: Path):
    pass_k = {"pass@1": 0.25, "problems": 8, "per_problem": {"sigil_gcd": {"n": 2, "c": 0}}}
    (tmp_path / "manifest.json").write_text(json.dumps({"status": "completed", "stages": {
        "judge": {"type": "whatever", "status": "completed", "metrics": {"compile_rate": 0.5, "pass_at_k": pass_k}}}}))
    report = gather(tmp_path)
    assert "- pass@k: pass@1 0.25, problems 8\n" in render_markdown(report)
    page = render_html(report)
    assert "<td>pass@1</td><td class=\"num\">0.25</td>" in page and "sigil_gcd" not in page


def test_an_arm_measured_at_snapshots_is_drawn_beside_the_rounds_with_its_completions_sampled(stages: None,
                                                                                               tmp_path: Path):
    """Issue 16: a GRPO arm (an ``rsft-heldout`` stage) shares the rounds' steps; the report says how many completions
    each arm had sampled by each step, so equal steps are seen to be equal budgets."""
    run_dir = run(tmp_path, """stages:
  - {name: learn, type: test-learner}
  - {name: grpo-heldout, type: test-snapshots}
  - {name: summary, type: report}
""")
    markdown = (run_dir / "stages/summary/report.md").read_text()
    assert "| grpo-heldout | 0.1 [" in markdown  # its pass@1 curve beside learn's
    assert "| grpo-heldout | 3 | heldout_pass | 3 | 0 |" in markdown  # paired with the same start
    assert "## Completions sampled by step (`completions_sampled`" in markdown
    assert "| grpo-heldout | 0 | 40 | 80 | 120 |" in markdown
    page = (run_dir / "stages/summary/report.html").read_text()
    assert "<title>grpo-heldout</title></polyline>" in page and "<title>learn</title></polyline>" in page
    sampled = page.split("completions sampled by step", 1)[1].split("</table>", 1)[0]
    assert "<td>grpo-heldout</td>" + "".join(f'<td class="num">{n}</td>' for n in (0, 40, 80, 120)) in sampled


def test_final_models_are_compared_problem_by_problem(completed_run: Path):
    """Two arms that both gain against the start can still differ: the report pairs their final verdicts."""
    markdown = (completed_run / "stages/summary/report.md").read_text()
    # learn's last round gets 11 of 20 right and builds 17, arm-gold's 2 and 8: 9 problems only learn got right
    assert "| learn (step 3) | arm-gold (step 3) | pass | 9 | 0 | 0.00391 |" in markdown
    assert "| learn (step 3) | arm-gold (step 3) | compile | 9 | 0 | 0.00391 |" in markdown
    page = (completed_run / "stages/summary/report.html").read_text()
    assert '<tr class="sig"><td>learn (step 3)</td><td>arm-gold (step 3)</td><td>pass</td>' in page


def test_final_pairs_need_the_same_problems_and_a_completed_stage(tmp_path: Path):
    def write(stage: str, step: int, rows: list[tuple[str, str]]) -> None:
        path = tmp_path / "work" / stage / f"round-{step:03d}" / VERDICTS
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps({"problem": p, "status": s, "completion": ""}) + "\n" for p, s in rows))

    write("a", 0, [("p1", "compile_error"), ("p2", "compile_error")])  # an earlier round: not the final model
    write("a", 2, [("p1", "passed"), ("p2", "failed")])
    write("b", 1, [("p2", "compile_error"), ("p1", "failed")])  # same problems, another order
    write("c", 2, [("p1", "passed")])  # other problems: not comparable
    write("d", 2, [("p1", "passed"), ("p2", "passed")])  # did not complete
    stages = {name: {"status": "completed"} for name in "abc"} | {"d": {"status": "failed"}}
    (tmp_path / "manifest.json").write_text(json.dumps({"status": "failed", "stages": stages}))
    rows = [(r.first, r.first_step, r.second, r.second_step, r.name, r.only_first, r.only_second)
            for r in gather(tmp_path).finals]
    assert rows == [("a", 2, "b", 1, "compile", 1, 0), ("a", 2, "b", 1, "pass", 1, 0)]
