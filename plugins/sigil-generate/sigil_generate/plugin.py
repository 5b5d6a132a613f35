"""The plugin module named by the ``sigil`` entry point: registers sections, the generator and the stages."""

from __future__ import annotations

import sigil
from sigil import Register
from sigil_generate.config import GenerateSection, RsftSection


@sigil.hookimpl
def register_config_sections(register: Register) -> None:
    register("generate", GenerateSection)
    register("rsft", RsftSection)


@sigil.hookimpl
def register_generators(register: Register) -> None:
    from sigil_generate.generator.hf import HfGenerator
    from sigil_generate.generator.openai import OpenAIGenerator

    register("hf", HfGenerator(), reads=("model_name", "generate"))
    register("openai", OpenAIGenerator(), reads=("model_name", "generate"))


@sigil.hookimpl
def register_stages(register: Register) -> None:
    from sigil_generate.stages.control import RsftControlStage
    from sigil_generate.stages.generate import GenerateStage
    from sigil_generate.stages.heldout import RsftHeldoutStage
    from sigil_generate.stages.rsft import RsftStage

    register("generate", GenerateStage)
    register("rsft", RsftStage)
    register("rsft-control", RsftControlStage)
    register("rsft-heldout", RsftHeldoutStage)
