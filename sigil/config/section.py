"""The base class of every config section, and the markers that tell the runner how a key affects results."""

from __future__ import annotations

import typing
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator

from sigil.plugins import Kind


class Section(BaseModel):
    """A config section: strict (unknown keys are errors), validated on assignment.

    Plugins derive their own sections from it and register them with ``register_config_sections``.

    YAML reads ``edition: 2021`` and ``-o eval.edition=2015`` as numbers; a key whose values are text (``str``, or
    a choice of texts such as ``Literal["2015", "2021"]``) takes the number's text, so neither needs quoting.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, coerce_numbers_to_str=True)

    #: Keys this section owns that older configs (the reference system's) spell elsewhere: the dotted path from
    #: the top of the config → the key in this section, e.g. ``{"max_seq_len": "max_seq_len"}`` on ``train`` reads
    #: a top-level ``max_seq_len:`` as ``train.max_seq_len``. Writing both spellings is an error.
    legacy_keys: ClassVar[dict[str, str]] = {}

    @model_validator(mode="before")
    @classmethod
    def _numbers_as_text_choices(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        for name, field in cls.model_fields.items():
            value = data.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool):
                if str(value) in _text_choices(field.annotation):
                    data = {**data, name: str(value)}
        return data


#: ``registry(CONFIG_SECTIONS)``: the registered section models.
CONFIG_SECTIONS: Kind[type[Section]] = Kind("config_sections")


class NotFingerprinted:
    """Field marker: the key says *where* results go (a run or log directory), not *what* they are.

    ``output_dir: Annotated[str | None, NotFingerprinted()] = None`` keeps the key out of every stage's
    fingerprint, so moving a run directory or its logs does not re-run finished stages.
    """

    def __repr__(self) -> str:
        return "NotFingerprinted()"


class InputPath:
    """Field marker: the value (a string, or a list of strings) may name a local file or directory the stage reads.

    ``samples: Annotated[str | None, InputPath()] = None``: when the value names an existing path, a digest of
    its content (every file under a directory) joins the fingerprint of a stage that reads the key, so an edited
    input re-runs the stage. Values that name no local path (a hub dataset, a suite name) count as written.
    """

    def __repr__(self) -> str:
        return "InputPath()"


class StageRef:
    """Field marker: the value names an earlier stage of the pipeline (``warm_start: Annotated[str | None,
    StageRef()]``). ``sigil validate`` and ``sigil run`` check it before any stage runs: a missing or later stage
    is a one-line error naming the file and the stage."""

    def __repr__(self) -> str:
        return "StageRef()"


def _text_choices(annotation: Any) -> set[str]:
    """The text values of ``Literal["a", "b"]`` (also inside ``X | None``)."""
    if typing.get_origin(annotation) is typing.Literal:
        return {value for value in typing.get_args(annotation) if isinstance(value, str)}
    choices: set[str] = set()
    for argument in typing.get_args(annotation):
        choices |= _text_choices(argument)
    return choices
