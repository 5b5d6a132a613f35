"""Built-in plugin: the compile, clippy, idiomatic, doc and self_tests scorers."""

from __future__ import annotations

from sigil.evaluation.scorers import ClippyScorer, CompileScorer, DocScorer, IdiomaticScorer, SelfTestsScorer
from sigil.hookspecs import Register, hookimpl


@hookimpl(tryfirst=True)
def register_scorers(register: Register) -> None:
    register("compile", CompileScorer())
    register("clippy", ClippyScorer())
    register("idiomatic", IdiomaticScorer(), reads=("eval.idiomatic_weights",))
    register("doc", DocScorer())
    register("self_tests", SelfTestsScorer(), reads=("eval.functional",))
