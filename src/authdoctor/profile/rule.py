"""What a configuration rule is, what it returns, and how it says a fact is missing.

A rule module holds ``RULE`` (metadata), ``check(profile, ctx)`` and two lists of example
profiles, ``POSITIVE`` (each must yield a finding) and ``NEGATIVE`` (each must yield none).
A rule that lacks a fact calls :func:`require`, which raises :class:`MissingFacts`; the
runner turns that into "set these fields to enable more checks" instead of guessing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from authdoctor.profile.schema import Profile

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
DOC_HEADINGS = ("## What it checks", "## Why it matters", "## How to fix")
# Examples are dated so that "expires in 10 days" stays true in every year the tests run.
EXAMPLE_TODAY = date(2024, 6, 1)


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: Severity
    causes: tuple[str, ...]
    docs: str

    def finding(self, message: str, fix: dict[str, str] | None = None, field: str | None = None,
                causes: tuple[str, ...] | None = None) -> CheckFinding:
        return CheckFinding(self, message, dict(fix or {}), field, causes or self.causes)


@dataclass(frozen=True)
class CheckFinding:
    """One misconfiguration: the fix is data, keyed by profile field ("[+]" = add this item)."""

    rule: Rule
    message: str
    fix: dict[str, str] = field(default_factory=dict)
    field: str | None = None
    causes: tuple[str, ...] = ()

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.id,
            "title": self.rule.title,
            "severity": self.rule.severity,
            "causes": list(self.causes),
            "message": self.message,
            "fix": dict(self.fix),
            "field": self.field,
            "docs": self.rule.docs,
        }


@dataclass(frozen=True)
class Context:
    """What a rule may know besides the profile: the date and the expiry horizon."""

    today: date | None = None
    expiry_days: int = 30

    @property
    def day(self) -> date:
        return self.today or date.today()


DEFAULT = Context()
CheckFn = Callable[[Profile, Context], list[CheckFinding]]


class MissingFacts(Exception):  # noqa: N818 - a signal, not an error
    """The rule cannot decide without these profile fields."""

    def __init__(self, paths: list[str]) -> None:
        super().__init__(", ".join(paths))
        self.paths = paths


def get(profile: Profile, path: str) -> Any:
    """``get(p, "mail.protocol")``: None when any part is unset."""
    value: Any = profile
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def require(profile: Profile, *paths: str) -> None:
    """Raise :class:`MissingFacts` naming every unset path."""
    missing = [p for p in paths if get(profile, p) is None]
    if missing:
        raise MissingFacts(missing)


def require_any(profile: Profile, *paths: str) -> None:
    """At least one of ``paths`` must be set."""
    if all(get(profile, p) is None for p in paths):
        raise MissingFacts([" or ".join(paths)])
