"""A misspelt provider host in a scope or endpoint (seed 001, root cause 6: graph.micrsoft.com)."""

from __future__ import annotations

import difflib
from typing import Any

from authdoctor.profile import microsoft as ms
from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule
from authdoctor.profile.schema import Profile
from authdoctor.profile.scopes import joined, scope_host, scope_list, with_host

RULE = Rule(
    id="host_typo",
    title="A provider host name looks misspelt",
    severity="error",
    causes=("resource_not_found", "endpoint_misconfigured"),
    docs="""\
## What it checks
Compares the hosts in scopes, endpoints and the mail server with well-known provider hosts
(Microsoft in every cloud, Google, GitHub, Salesforce) and flags a host that is nearly, but
not exactly, one of them, such as `graph.micrsoft.com`.

## Why it matters
A misspelt resource is unknown to the tenant (AADSTS500011 "resource principal ... was not
found"); a misspelt endpoint does not resolve or belongs to somebody else.

## How to fix
Correct the spelling; the computed values carry the nearest known host.
""",
)

KNOWN = sorted({*ms.HOSTS, "mail.google.com", "accounts.google.com", "oauth2.googleapis.com", "www.googleapis.com",
                "imap.gmail.com", "pop.gmail.com", "smtp.gmail.com", "openidconnect.googleapis.com",
                "github.com", "api.github.com", "login.salesforce.com", "test.salesforce.com",
                "smtp.office365.com", "smtp.office365.us", "login.live.com"})


def _near(host: str) -> str | None:
    if host in KNOWN:
        return None
    hit = difflib.get_close_matches(host, KNOWN, n=1, cutoff=0.88)
    return hit[0] if hit else None


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    fix: dict[str, str] = {}
    typos: list[str] = []
    scopes = scope_list(profile)
    fixed_scopes = list(scopes)
    for i, s in enumerate(scopes):
        h = scope_host(s)
        near = _near(h) if h else None
        if h and near:
            fixed_scopes[i] = with_host(s, near)
            typos.append(f"{h} (did you mean {near}?)")
    if fixed_scopes != scopes:
        fix["scopes"] = joined(fixed_scopes)
    for f, h in ms.hosts_in_use(profile).items():
        near = _near(h)
        if near:
            url = profile.mail.host if f == "mail.host" and profile.mail else getattr(profile, f)
            fix[f] = near if f == "mail.host" else ms.swap_host(str(url), near)
            typos.append(f"{h} (did you mean {near}?)")
    if not fix:
        return []
    causes = ("resource_not_found",) if set(fix) == {"scopes"} else RULE.causes
    msg = f"Misspelt host{'s' if len(typos) > 1 else ''}: {', '.join(dict.fromkeys(typos))}."
    return [RULE.finding(msg, fix, next(iter(fix)), causes)]


POSITIVE: list[dict[str, Any]] = [
    {"scopes": "https://graph.micrsoft.com/.default"},
    {"token_endpoint": "https://login.microsoftonlne.com/common/oauth2/v2.0/token"},
]
NEGATIVE: list[dict[str, Any]] = [
    {"scopes": "https://graph.microsoft.com/.default",
     "token_endpoint": "https://login.microsoftonline.com/common/oauth2/v2.0/token"},
    {"token_endpoint": "https://idp.example.com/oauth2/token", "mail": {"host": "mail.example.org"}},
]
