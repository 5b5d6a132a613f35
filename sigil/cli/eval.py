"""Built-in plugin: ``sigil eval samples.jsonl``, with the reference system's flags and sigil's own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from sigil.hookspecs import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    @cli.command(name="eval")
    @click.argument("samples", type=click.Path(dir_okay=False))
    @click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Take the `eval` section from this pipeline.")
    @click.option(
        "--output",
        default="eval_results",
        show_default=True,
        help="A directory (results files and metrics.jsonl), or a .jsonl file to append the metrics line to.",
    )
    @click.option("--sample-n", type=int, help="Evaluate a seeded random subset of N samples.")
    @click.option("--seed", type=int, help="Seed for --sample-n (default misc.seed).")
    @click.option("--num-workers", "--jobs", "jobs", type=int, help="Parallel compiler processes.")
    @click.option("--batch-size", type=int, help="Samples per compiler invocation.")
    @click.option("--compile-timeout", type=float, help="Seconds for one compile+clippy pass.")
    @click.option("--clippy-timeout", type=float, help="Extra seconds added to the pass (reference flag).")
    @click.option("--edition", type=click.Choice(["2015", "2018", "2021", "2024"]))
    @click.option("--pedantic", is_flag=True, default=None, help="Also count clippy::pedantic lints.")
    @click.option("--save-errors", is_flag=True, default=None, help="Write errors.jsonl with each failure.")
    @click.option("--sandbox-mode", type=click.Choice(["bwrap", "none"]), help="Isolation (none = --no-sandbox).")
    @click.option("--no-sandbox", is_flag=True, help="Compile and run samples WITHOUT isolation (trusted code only).")
    @click.option("--no-cache", is_flag=True, help="Do not read or write the result cache.")
    @click.option("--skip-bad-lines", is_flag=True, help="Skip malformed JSONL lines (counted) instead of failing.")
    @click.option("--no-pre-filter", is_flag=True, help="Compile every sample, however hopeless.")
    @click.option("--pre-filter-min-length", type=int, help="Pre-filter: minimum characters.")
    @click.option("--pre-filter-min-lines", type=int, help="Pre-filter: minimum non-empty lines.")
    @click.option("--pre-filter-no-main-check", is_flag=True, help="Pre-filter: do not require fn main.")
    @click.option("--pre-filter-no-incomplete-check", is_flag=True, help="Pre-filter: keep truncated code.")
    @click.option("--check-func", is_flag=True, help="Also run each sample against its problem's tests (pass@k).")
    @click.option("--suite", help="Problem suite the samples answer (registered name or file).")
    @click.option("--k", "ks", help="Comma-separated k values for pass@k, e.g. 1,10.")
    @click.option("--run-timeout", type=float, help="Wall-clock seconds for one program run.")
    @click.option("-o", "--override", "overrides", multiple=True, metavar="KEY=VALUE", help="Change a config key, e.g. eval.batch_size=64.")
    def eval_command(samples: str, config_path: str | None, output: str, **flags: Any) -> None:
        """Compile, lint and score model samples; append one line to OUTPUT/metrics.jsonl (or to OUTPUT.jsonl)."""
        from sigil.config.loader import apply_override, read_yaml, set_value, validate_config
        from sigil.errors import SigilError
        from sigil.evaluation.evaluate import evaluate_file
        from sigil.evaluation.stage import summary_line
        from sigil.io import append_jsonl_line
        from sigil.io.scratch import scratch_dir

        out_dir, metrics_path = output_target(output)  # before any work: a bad --output costs nothing

        raw = read_yaml(Path(config_path)) if config_path else {}
        user_overrides = flags.pop("overrides")
        sandbox_mode = flags.pop("sandbox_mode")  # the reference's spelling of the same explicit choice
        unsandboxed = flags.pop("no_sandbox") or sandbox_mode == "none"
        for key, value in flag_values(flags).items():  # typed by click: set as they are, never re-read as YAML
            set_value(raw, key, value)
        for override in user_overrides:
            apply_override(raw, override)
        config = validate_config(raw, source=config_path or "command line")
        if unsandboxed:  # only this flag turns isolation off (eval.sandbox refuses `none`), and it says so each time
            config.eval = config.eval.unsandboxed()
            click.echo("warning: --no-sandbox: samples are compiled and run WITHOUT isolation; they can read and "
                       "write your files and use the network. Use it only on code you trust.", err=True)
        seed = flags["seed"] if flags["seed"] is not None else config.misc.seed
        with scratch_dir():  # temporary files in one directory, removed however the command ends
            report, _, bad_lines = evaluate_file(samples, config, seed, out_dir)
        for message in bad_lines:
            click.echo(f"skipped: {message}", err=True)
        try:
            append_jsonl_line(metrics_path, report.metrics)
        except OSError as exc:
            raise SigilError(f"{metrics_path}: cannot append the metrics line: {exc.strerror or exc}") from None
        click.echo(summary_line(report.metrics))
        from sigil.functional.check import harness_failure

        failure = harness_failure(report.metrics)  # after every result is written: nothing is lost
        if failure:
            raise SigilError(failure)


def output_target(output: str) -> tuple[Path | None, Path]:
    """Where ``--output`` sends the results: (directory for the results files or None, metrics JSONL file).

    A path ending in ``.jsonl`` that is not a directory is the reference's meaning: append one metrics line to
    that file and write nothing else. Anything else is a directory. Checked before any work."""
    from sigil.errors import SigilError
    from sigil.io import check_writable

    path = Path(output)
    if path.suffix == ".jsonl" and not path.is_dir():
        if path.exists() and not path.is_file():
            raise SigilError(f"--output {path}: not a regular file; give a directory or a .jsonl file")
        check_writable(path, f"--output {path}")
        return None, path
    if path.exists() and not path.is_dir():
        raise SigilError(f"--output {path}: is a file; give a directory, or a .jsonl file to append the metrics line to")
    check_writable(path, f"--output {path}")
    if (path / "metrics.jsonl").is_dir():
        raise SigilError(f"--output {path}: {path / 'metrics.jsonl'} is a directory, not a file")
    return path, path / "metrics.jsonl"


def flag_values(flags: dict[str, Any]) -> dict[str, Any]:
    """The CLI flags as ``eval.*`` keys with their typed values, so the config schema validates them like YAML
    keys (``--edition 2021`` stays the text "2021", ``--suite yes`` the text "yes")."""
    mapping = {
        "sample_n": "eval.sample_n",
        "jobs": "eval.jobs",
        "batch_size": "eval.batch_size",
        "compile_timeout": "eval.compile_timeout",
        "clippy_timeout": "eval.clippy_timeout",
        "edition": "eval.edition",
        "pedantic": "eval.pedantic",
        "save_errors": "eval.save_errors",
        "pre_filter_min_length": "eval.prefilter.min_length",
        "pre_filter_min_lines": "eval.prefilter.min_lines",
        "suite": "eval.functional.suite",
        "run_timeout": "eval.functional.run_timeout",
    }
    values = {key: flags[name] for name, key in mapping.items() if flags.get(name) is not None}
    if flags.pop("skip_bad_lines"):
        values["eval.on_bad_line"] = "skip"
    if flags.pop("check_func"):
        values["eval.functional.enabled"] = True
    ks = flags.pop("ks")
    if ks:
        values["eval.functional.k"] = [k.strip() for k in ks.split(",")]
    if flags.pop("no_cache"):
        values["eval.cache_dir"] = None
    if flags.pop("no_pre_filter"):
        values["eval.prefilter.enabled"] = False
    if flags.pop("pre_filter_no_main_check"):
        values["eval.prefilter.check_main"] = False
    if flags.pop("pre_filter_no_incomplete_check"):
        values["eval.prefilter.check_incomplete"] = False
    return values
