"""What running one sample against its tests found."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Status = Literal["passed", "failed", "compile_error", "timeout", "memory_limit", "signal", "output_limit", "error"]

#: Every status a sample can end with. ``error`` means the harness itself could not run the sample.
STATUSES: tuple[str, ...] = (
    "passed",
    "failed",
    "compile_error",
    "timeout",
    "memory_limit",
    "signal",
    "output_limit",
    "error",
)


@dataclass(frozen=True)
class SampleResult:
    """The verdict on one program.

    ``message`` holds the first failing assertion's panic message for ``failed``, the first compiler error for
    ``compile_error``, the signal name for ``signal``, and is empty when the sample passed.
    """

    status: Status
    tests_passed: int
    tests_total: int
    message: str = ""
    build_s: float = 0.0
    run_s: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
