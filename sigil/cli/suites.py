"""Built-in plugin: ``sigil suites list`` and ``sigil suites validate``."""

from __future__ import annotations

import click

from sigil.hookspecs import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    @cli.group()
    def suites() -> None:
        """Problem suites for functional checks (pass@k)."""

    @suites.command(name="list")
    def list_suites() -> None:
        """List registered suites with their problem counts."""
        from sigil.functional import resolve_suite
        from sigil.functional.suite_lookup import SUITES
        from sigil.plugins import registry

        for entry in registry(SUITES):
            click.echo(f"{entry.name}  {len(resolve_suite(entry.name))} problems  ({entry.plugin})")

    @suites.command()
    @click.argument("suite")
    @click.option("--no-sandbox", is_flag=True, help="Run without isolation (trusted suites only).")
    @click.option("--jobs", type=int, help="Parallel builds.")
    def validate(suite: str, no_sandbox: bool, jobs: int | None) -> None:
        """Check that every reference solution passes its tests and every broken variant fails them."""
        from sigil.errors import SigilError
        from sigil.functional import ExecOptions, resolve_suite, validate_suite

        if no_sandbox:  # as `sigil eval --no-sandbox`: running code unisolated is said out loud, every time
            click.echo("warning: --no-sandbox: the suite's programs are built and run WITHOUT isolation. Use it "
                       "only on code you trust.", err=True)
        report = validate_suite(resolve_suite(suite), ExecOptions(jobs=jobs, sandbox="none" if no_sandbox else "bwrap"))
        for line in report.lines():
            click.echo(line)
        if not report.ok:
            raise SigilError(f"suite {suite!r} is not valid")
