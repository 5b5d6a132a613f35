"""The suite validator: every reference solution passes its tests, and every broken variant fails them."""

from __future__ import annotations

from dataclasses import dataclass, field

from sigil.functional.execution import ExecOptions, run_completions
from sigil.functional.problems import Problem, Suite
from sigil.functional.results import SampleResult


@dataclass
class ValidationReport:
    """What the validator found, problem by problem."""

    suite: str
    problems: int
    isolation: str = ""
    #: problem name → why its reference does not pass (status and message).
    reference_failures: dict[str, str] = field(default_factory=dict)
    #: problems whose broken variant passed: their tests cannot tell a wrong answer from a right one.
    broken_passes: list[str] = field(default_factory=list)
    #: problems without a reference solution (allowed for user suites, reported).
    missing_reference: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reference_failures and not self.broken_passes

    def lines(self) -> list[str]:
        """One line per problem found wanting, then a summary line."""
        out = [f"{self.suite}: {name}: reference {why}" for name, why in self.reference_failures.items()]
        out += [f"{self.suite}: {name}: the broken variant passes the tests" for name in self.broken_passes]
        out += [f"{self.suite}: {name}: no reference solution" for name in self.missing_reference]
        checked = self.problems - len(self.missing_reference)
        verdict = "ok" if self.ok else "FAILED"
        out.append(f"{self.suite}: {verdict}: {checked} references checked under {self.isolation}, "
                   f"{len(self.reference_failures)} failing, {len(self.broken_passes)} broken variants passing")
        return out


def validate_suite(suite: Suite, options: ExecOptions | None = None, *, check_broken: bool = True) -> ValidationReport:
    """Run each problem's reference (which must pass) and broken variant (which must not)."""
    report = ValidationReport(suite=suite.name, problems=len(suite))
    pairs: list[tuple[Problem, str]] = []
    roles: list[tuple[str, str]] = []
    for problem in suite.problems:
        if problem.reference is None:
            report.missing_reference.append(problem.name)
            continue
        pairs.append((problem, problem.reference))
        roles.append((problem.name, "reference"))
        if check_broken:
            pairs.append((problem, problem.broken_completion()))
            roles.append((problem.name, "broken"))
    run = run_completions(pairs, options)
    report.isolation = run.isolation
    for (name, role), result in zip(roles, run.results):
        if role == "reference" and not result.passed:
            report.reference_failures[name] = _why(result)
        elif role == "broken" and result.passed:
            report.broken_passes.append(name)
    return report


def _why(result: SampleResult) -> str:
    first = result.message.splitlines()[0] if result.message else ""
    return f"{result.status} ({result.tests_passed}/{result.tests_total} tests){': ' + first if first else ''}"
