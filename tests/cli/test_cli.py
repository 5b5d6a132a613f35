"""The command line: exit codes, one-line errors, built-in and plugin commands."""

from __future__ import annotations

import click
import click.testing
import pytest

from sigil import hookimpl
from sigil.cli import main
from sigil.plugins import hook


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_version_and_help(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and "sigil, version" in out
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("run", "validate", "config", "plugins"):
        assert command in out


def test_validate_ok_and_bad(capsys, write_yaml):
    code, out, _ = run(capsys, "validate", str(write_yaml("model_name: m\nstages: [{name: data, type: data}]\n")))
    assert code == 0 and "valid (1 stages: data)" in out
    bad = write_yaml("model_name: m\nbogus: 1\n", name="bad.yaml")
    code, out, err = run(capsys, "validate", str(bad))
    assert code == 1
    assert err.startswith(f"error: {bad}: bogus: unknown key; top-level keys and sections: dataset, eval, misc, ")
    assert err.count("\n") == 1


@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_pipeline_without_stages_is_refused_in_one_line(capsys, write_yaml, command):
    """The kernel names no stage: there is no default pipeline to run."""
    path = write_yaml("model_name: m\n")
    code, _, err = run(capsys, command, str(path))
    assert code == 1
    assert err == f"error: {path}: stages: no stages; add e.g. `stages: [{{name: data, type: data}}]`\n"


def test_config_show_prints_defaults(capsys, write_yaml):
    code, out, _ = run(capsys, "config", "show", str(write_yaml("stages: [{name: data, type: data}]\n")), "-o", "dataset.min_length=9")
    assert code == 0
    assert "min_length: 9" in out and "model_name: sigil-tiny:llama" in out and "seed: 42" in out


def test_usage_error_exit_code(capsys, write_yaml):
    code, _, err = run(capsys, "run", str(write_yaml("{}\n")), "--from", "a", "--only", "b")
    assert code == 2 and "--from and --only cannot be combined" in err


def test_plugins_lists_builtins(capsys):
    code, out, _ = run(capsys, "plugins")
    assert code == 0
    assert "sigil.data.stage  (built-in)" in out and "stages: data" in out


def test_hook_register_commands(plugin):
    class Commands:
        @hookimpl
        def register_commands(self, cli):
            @cli.command()
            def hello() -> None:
                """Say hello."""
                click.echo("hello from a plugin")

    plugin(Commands(), name="commands-plugin")
    group = click.Group("fresh")
    hook().register_commands(cli=group)
    assert "hello" in group.commands
    assert {"run", "validate", "config", "plugins"} <= set(group.commands)
    result = click.testing.CliRunner().invoke(group, ["hello"])
    assert result.output == "hello from a plugin\n"


@pytest.mark.parametrize("argv", [("run", "absent.yaml"), ("validate", "absent.yaml"), ("config", "show", "absent.yaml")])
def test_missing_file_is_one_line(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 1 and err == "error: absent.yaml: no such file\n"


def test_dash_o_means_override_in_every_command(plugin):
    """``-o`` is ``--override`` everywhere; ``sigil export`` writes to ``--out``/``-O`` (it used to take ``-o``)."""
    for name in ("sigil_train.plugin", "sigil_generate.plugin"):
        plugin(pytest.importorskip(name), name=name.split(".")[0])
    group = click.Group("fresh")
    hook().register_commands(cli=group)

    def commands(node):
        for command in getattr(node, "commands", {}).values():
            yield command
            yield from commands(command)

    seen = []
    for command in commands(group):
        for param in command.params:
            if "-o" in getattr(param, "opts", []):
                assert "--override" in param.opts, f"sigil {command.name}: -o is {param.opts}"
                seen.append(command.name)
    assert {"run", "validate", "eval", "sweep"} <= set(seen)
    export = group.commands["export"]
    assert any(param.opts == ["-O", "--out"] for param in export.params)
