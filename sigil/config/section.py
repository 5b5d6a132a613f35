"""The base class of every config section."""

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A config section: strict (unknown keys are errors), validated on assignment.

    Plugins derive their own sections from it and register them with ``register_config_sections``.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


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
