"""The base class of every config section."""

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A config section: strict (unknown keys are errors), validated on assignment.

    Plugins derive their own sections from it and register them with ``register_config_sections``.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
