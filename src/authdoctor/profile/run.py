"""Runs the rules over a profile and turns the result into the shared report model.

``check`` and ``diagnose --profile`` both start here: findings of severity error and
warning become external causes for the ranking (the same noisy-OR the log findings use), so
a misconfiguration raises the causes it explains, and a log finding's causes that the
profile rules out are not raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from authdoctor.extract.facts import Facts
from authdoctor.kb.load import KnowledgeBase, load_causes, load_guides
from authdoctor.model import Report
from authdoctor.profile.facts import profile_facts
from authdoctor.profile.load import LoadedProfile, load_profile
from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, MissingFacts
from authdoctor.profile.rules import LoadedRule, registry
from authdoctor.profile.schema import Profile

# How strongly one finding raises its causes: below a specific log finding (0.9 x share)
# so evidence of what actually failed still leads, above a generic one.
STRENGTH = {"error": 0.6, "warning": 0.3}
_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class CheckRun:
    findings: list[CheckFinding] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=dict)  # rule id -> fields it needs
    crashed: dict[str, str] = field(default_factory=dict)

    @property
    def has_error(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def would_enable(self) -> dict[str, list[str]]:
        """Field -> the rules it would enable, most useful field first."""
        out: dict[str, list[str]] = {}
        for rule_id, paths in self.skipped.items():
            for p in paths:
                out.setdefault(p, []).append(rule_id)
        return dict(sorted(out.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def run_rules(profile: Profile, ctx: Context = DEFAULT, rules: tuple[LoadedRule, ...] | None = None) -> CheckRun:
    run = CheckRun()
    for lr in rules if rules is not None else registry():
        try:
            found = lr.check(profile, ctx)
        except MissingFacts as missing:
            if missing.paths:
                run.skipped[lr.rule.id] = missing.paths
            continue
        except Exception as exc:  # a broken rule must not hide the others' findings
            run.crashed[lr.rule.id] = f"{type(exc).__name__}: {str(exc)[:120]}"
            continue
        run.ran.append(lr.rule.id)
        run.findings += found
    run.findings.sort(key=lambda f: (_ORDER[f.severity], f.rule.id))
    return run


def external_causes(findings: list[CheckFinding]) -> list[tuple[str, float, str]]:
    out: list[tuple[str, float, str]] = []
    for f in findings:
        strength = STRENGTH.get(f.severity)
        if strength is None:
            continue
        for cause in f.causes:
            out.append((cause, strength, f"profile check {f.rule.id}: {f.message.rstrip('.')}"))
    return out


def profile_inputs(path: str, ctx: Context = DEFAULT) -> tuple[Facts, list[tuple[str, float, str]]]:
    """What ``diagnose --profile`` adds: the profile's facts and its findings as causes."""
    loaded = load_profile(path)
    run = run_rules(loaded.profile, ctx)
    return profile_facts(loaded.profile), external_causes(run.findings)


def notes_for(run: CheckRun, total: int) -> list[str]:
    notes: list[str] = []
    enable = run.would_enable()
    if enable:
        parts = [f"{field_} ({', '.join(rules)})" for field_, rules in enable.items()]
        notes.append(f"{len(run.skipped)} of {total} rules were skipped for lack of facts; "
                     f"set these fields to enable them: {'; '.join(parts)}")
    for rule_id, why in run.crashed.items():
        notes.append(f"rule {rule_id} failed and was skipped ({why}); please report this")
    return notes


@cache
def causes_kb() -> KnowledgeBase:
    """The cause taxonomy and guides without the entries: all a check report needs, and
    quick to load because no signature is read."""
    return KnowledgeBase(entries=(), causes=load_causes(), guides=load_guides())


def check_report(loaded: LoadedProfile, ctx: Context = DEFAULT) -> tuple[Report, CheckRun]:
    """The report of ``authdoctor check``: checks, the causes they point to, facts, notes."""
    from authdoctor.pipeline import Accumulator, build_report

    profile = loaded.profile
    run = run_rules(profile, ctx)
    facts = profile_facts(profile)
    kb = causes_kb()
    notes = notes_for(run, len(registry()))
    env = profile.secret_env_var()
    if env and profile.secret_value() is None:
        notes.append(f"client_secret refers to the environment variable {env}, which is not set")
    report = build_report(kb, Accumulator(kb, 1), facts, notes, external_causes(run.findings))
    report.checks = [f.to_dict() for f in run.findings]
    report.stats = {
        "check": {
            "profile": loaded.name,
            "rules": len(registry()),
            "ran": len(run.ran),
            "skipped": dict(run.skipped),
            "errors": sum(f.severity == "error" for f in run.findings),
            "warnings": sum(f.severity == "warning" for f in run.findings),
            "info": sum(f.severity == "info" for f in run.findings),
        }
    }
    return report, run
