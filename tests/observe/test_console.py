"""What a run prints: run.log beside the results, progress bars only on a terminal, library deprecations hidden
by the ``sigil`` command."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import warnings

import pytest

from sigil.cli import main
from sigil.observe import console
from sigil.observe.progress import StepProgress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_run_log_holds_everything_printed(write_yaml, tmp_path, plugin, capsys):
    import sigil

    class Chatty:
        @sigil.hookimpl
        def on_stage_start(self, ctx):
            print("a plugin prints this")
            print("a library writes this to stderr", file=sys.stderr)

    plugin(Chatty())
    run_dir = tmp_path / "run"
    path = write_yaml(f"misc: {{output_dir: {run_dir}}}\nstages: [{{name: summary, type: report}}]\n")
    stdout, stderr = sys.stdout, sys.stderr
    assert main(["run", str(path)]) == 0
    assert (sys.stdout, sys.stderr) == (stdout, stderr)  # the tees are gone after the run
    log = (run_dir / "run.log").read_text()
    assert "stage summary (report): running" in log and "stage summary: completed" in log
    assert "a plugin prints this" in log and "a library writes this to stderr" in log
    printed = capsys.readouterr()
    assert "a plugin prints this" in printed.out and "stage summary: completed" in printed.err
    # a second run appends: the history of a resumed run is kept
    assert main(["run", str(path), "--force"]) == 0
    assert (run_dir / "run.log").read_text().count("stage summary: completed") == 2


def test_bar_on_a_terminal_plain_lines_elsewhere(tmp_path):
    log = logging.getLogger("sigil.test-progress")
    console.configure_logging()
    console.start_run_log(tmp_path / "run.log")
    try:
        terminal = FakeTerminal()
        sys.stderr.stream = terminal  # the tee now stands in front of a terminal
        bar = StepProgress("sft: training")
        bar.start(total=4)
        log.info("step 2/4: loss 1.5", extra={"progress": True})
        log.info("an ordinary line")
        bar.update(2, {"loss": 1.5, "tokens_per_s": 120.0})
        bar.close()
    finally:
        console.stop_run_log()
    shown = terminal.getvalue()
    assert "sft: training" in shown and "2/4" in shown and "loss 1.5" in shown and "tokens_per_s 120" in shown
    assert "step 2/4" not in shown and "an ordinary line" in shown  # the bar carries the step figures
    written = (tmp_path / "run.log").read_text()
    assert "step 2/4: loss 1.5" in written and "an ordinary line" in written and "━" not in written


def test_no_bar_without_a_terminal(tmp_path):
    bar = StepProgress("sft: training")
    bar.start(total=10)
    assert bar.progress is None  # pytest's captured stderr is not a terminal
    assert bar.eta_seconds(0) is None and bar.eta_seconds(10) == 0.0
    bar.close()


def test_library_deprecations_hidden_own_kept():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        console.filter_library_deprecations()
        warnings.warn_explicit("old name", FutureWarning, "training_args.py", 1, module="transformers.training_args")
        warnings.warn_explicit("old", DeprecationWarning, "x.py", 1, module="trl.trainer.sft_config")
        warnings.warn_explicit("ours", FutureWarning, "stage.py", 1, module="sigil.pipeline.stage")
        warnings.warn_explicit("not a deprecation", UserWarning, "t.py", 1, module="transformers.trainer")
    assert [str(w.message) for w in caught] == ["ours", "not a deprecation"]


@pytest.mark.torch
def test_the_sigil_command_filters_and_in_process_callers_do_not():
    code = ("import sys, warnings\n"
            "from sigil.cli import main\n"
            "sys.argv = ['sigil', '--version']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "with warnings.catch_warnings(record=True) as caught:\n"
            "    warnings.warn_explicit('x', FutureWarning, 'f.py', 1, module='transformers.modeling_utils')\n"
            "print(len(caught))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "0"
