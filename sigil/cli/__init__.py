"""The ``sigil`` command line. Commands (built-in ones too) are added through ``register_commands``."""

from __future__ import annotations

import click

from sigil import __version__
from sigil.errors import SigilError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sigil")
@click.option("-v", "--verbose", is_flag=True, help="Log debug details.")
def cli(verbose: bool) -> None:
    """sigil: fine-tune LLMs to write Rust that compiles, passes clippy and reads idiomatically."""
    from sigil.observe.console import configure_logging

    configure_logging(verbose)


def build_cli() -> click.Group:
    """The CLI with every plugin's commands added (once)."""
    from sigil.plugins import hook

    if not getattr(cli, "_sigil_commands_added", False):
        hook().register_commands(cli=cli)
        cli._sigil_commands_added = True  # type: ignore[attr-defined]
    return cli


def main(argv: list[str] | None = None) -> int:
    """Entry point: user errors become one ``error:`` line and a non-zero exit status, never a traceback."""
    group = build_cli()
    if argv is None:  # the `sigil` command itself, not an in-process caller
        from sigil.observe.console import filter_library_deprecations

        filter_library_deprecations()
    try:
        group.main(args=argv, prog_name="sigil", standalone_mode=False)
    except SigilError as exc:
        click.echo(f"error: {exc}", err=True)
        return 1
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("interrupted: completed stages are kept; run the same command again to resume", err=True)
        return 130
    return 0
