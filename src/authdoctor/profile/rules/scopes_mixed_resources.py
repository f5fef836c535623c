"""Scopes for two Microsoft resources in one request (seed 001, root cause 7)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile import microsoft as ms
from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require
from authdoctor.profile.schema import Profile
from authdoctor.profile.scopes import joined, resource, scope_host, scope_list, with_host
from authdoctor.profile.versions import is_mail

RULE = Rule(
    id="scopes_mixed_resources",
    title="Scopes name more than one Microsoft resource",
    severity="error",
    causes=("scope_mixed_resources",),
    docs="""\
## What it checks
Groups the configured scopes by the resource they belong to (the URL before the permission
name; bare names such as `User.Read` belong to Microsoft Graph) and flags a list that spans
more than one resource. `outlook.office.com` and `outlook.office365.com` count as two.

## Why it matters
Microsoft issues a token for exactly one resource per request. A mixed list is refused at
sign-in with AADSTS28000 ("contains more than one resource"), so the connection test fails
before any mailbox is touched.

## How to fix
Keep the scopes of one resource. The computed list moves Exchange permissions to the host of
your cloud (for mail handlers) or to the resource most scopes already use, and drops scopes
of other resources; request those in a separate integration if they are really needed.
""",
)


def _target(profile: Profile, resources: list[str]) -> str:
    family = ms.profile_family(profile) or "worldwide"
    if is_mail(profile) and any("outlook" in r for r in resources):
        return f"https://{ms.SCOPE_HOST[family]}"
    counts: dict[str, int] = {}
    for r in resources:
        counts[r] = counts.get(r, 0) + 1
    return max(counts, key=lambda r: (counts[r], -resources.index(r)))


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    if not ms.is_microsoft(profile):
        require(profile, "provider")
        return []
    require(profile, "scopes")
    scopes = scope_list(profile)
    resources = [r for r in (resource(s) for s in scopes) if r is not None]
    distinct = list(dict.fromkeys(resources))
    if len(distinct) < 2:
        return []
    target = _target(profile, resources)
    target_host = target.split("://", 1)[1]
    fixed: list[str] = []
    dropped: list[str] = []
    for s in scopes:
        r = resource(s)
        if r is None or r == target:
            fixed.append(s)
        elif "outlook" in (scope_host(s) or "") and "outlook" in target_host:
            fixed.append(with_host(s, target_host))
        else:
            dropped.append(s)
    fixed = list(dict.fromkeys(fixed))
    note = f" Dropped (another resource): {', '.join(dropped)}." if dropped else ""
    msg = (f"The scopes belong to {len(distinct)} resources ({', '.join(distinct)}); Microsoft accepts "
           f"one resource per request.{note}")
    return [RULE.finding(msg, {"scopes": joined(fixed)}, "scopes")]


POSITIVE: list[dict[str, Any]] = [
    {"provider": "microsoft", "integration": "mail-handler",
     "scopes": ["https://outlook.office.com/IMAP.AccessAsUser.All",
                "https://outlook.office365.com/POP.AccessAsUser.All", "offline_access"]},
    {"provider": "microsoft", "scopes": "openid User.Read https://outlook.office.com/SMTP.Send"},
]
NEGATIVE: list[dict[str, Any]] = [
    {"provider": "microsoft", "integration": "mail-handler",
     "scopes": ["https://outlook.office.com/IMAP.AccessAsUser.All",
                "https://outlook.office.com/POP.AccessAsUser.All", "offline_access"]},
    {"provider": "microsoft", "scopes": "openid profile email offline_access User.Read Mail.Read"},
]
