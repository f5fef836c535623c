"""Evaluates the fact conditions of knowledge-base cause adjustments."""

from __future__ import annotations

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from authdoctor.extract.facts import Facts
from authdoctor.kb.schema import Condition


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def holds(cond: Condition, facts: Facts, findings: set[str]) -> bool | None:
    """True/False when decidable; None when the fact is unknown (the adjustment is skipped)."""
    if cond.finding is not None:
        return cond.finding in findings
    assert cond.fact is not None
    value = facts.get(cond.fact)
    if cond.present is not None:
        return (value is not None) == cond.present
    if value is None:
        return None
    if cond.equals is not None:
        return str(value).lower() == str(cond.equals).lower()  # True == "true" == "True"
    if cond.in_ is not None:
        return str(value).lower() in {v.lower() for v in cond.in_}
    if cond.contains is not None:
        return cond.contains.lower() in str(value).lower()
    if cond.version_in is not None:
        ver = _version(str(value))
        if ver is None:
            return None
        for spec in cond.version_in:
            try:
                if ver in SpecifierSet(spec):
                    return True
            except InvalidSpecifier:
                continue
        return False
    return None


def describe(cond: Condition, facts: Facts) -> str:
    if cond.finding is not None:
        return f"{cond.finding} was also found"
    assert cond.fact is not None
    value = facts.get(cond.fact)
    src = facts.sources.get(cond.fact, "")
    where = f" (from {src})" if src else ""
    if cond.version_in is not None:
        return f"{cond.fact} {value} is in {' or '.join(cond.version_in)}{where}"
    return f"{cond.fact} is {value}{where}"
