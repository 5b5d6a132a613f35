import pytest

from sigil.cli import main


def test_suites_list(capsys):
    assert main(["suites", "list"]) == 0
    assert "sigil-basic  46 problems  (sigil.functional.builtin_suites)" in capsys.readouterr().out


def test_suites_validate_unknown(capsys):
    assert main(["suites", "validate", "nope"]) == 1
    assert "unknown suite 'nope'" in capsys.readouterr().err


@pytest.mark.slow
def test_suites_validate_builtin(capsys):
    assert main(["suites", "validate", "sigil-basic"]) == 0
    assert "sigil-basic: ok: 46 references checked under bwrap, 0 failing, 0 broken variants passing" in capsys.readouterr().out
