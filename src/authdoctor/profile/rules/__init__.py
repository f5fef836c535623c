"""The rule registry: every module in this package is one rule, found by a module scan.

Adding a rule means adding one file (as pySigma validators and prowler checks do); nothing
else lists the rules. The scan checks each module's shape so a broken rule fails loudly at
load time rather than silently never running: the file name must equal ``RULE.id``, the
docs must carry the fixed headings, and both example lists must be present.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from typing import Any

from authdoctor.profile.rule import DOC_HEADINGS, SEVERITIES, CheckFn, Rule


class RuleError(Exception):
    """A rule module is malformed (a programming error, caught by the tests)."""


@dataclass(frozen=True)
class LoadedRule:
    rule: Rule
    check: CheckFn
    positive: tuple[dict[str, Any], ...]
    negative: tuple[dict[str, Any], ...]


def _load(name: str) -> LoadedRule:
    mod = importlib.import_module(f"{__name__}.{name}")
    rule = getattr(mod, "RULE", None)
    if not isinstance(rule, Rule):
        raise RuleError(f"{name}: no RULE")
    if rule.id != name:
        raise RuleError(f"{name}: RULE.id {rule.id!r} differs from the module name")
    if rule.severity not in SEVERITIES:
        raise RuleError(f"{name}: unknown severity {rule.severity!r}")
    missing = [h for h in DOC_HEADINGS if h not in rule.docs]
    if missing:
        raise RuleError(f"{name}: docs lack {', '.join(missing)}")
    if not rule.causes:
        raise RuleError(f"{name}: no causes")
    check = getattr(mod, "check", None)
    positive = getattr(mod, "POSITIVE", None)
    negative = getattr(mod, "NEGATIVE", None)
    if not callable(check) or not positive or not negative:
        raise RuleError(f"{name}: needs check(), POSITIVE and NEGATIVE")
    return LoadedRule(rule, check, tuple(positive), tuple(negative))


@cache
def registry() -> tuple[LoadedRule, ...]:
    """Every rule, sorted by id."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return tuple(_load(n) for n in names)
