"""Scopes of another Microsoft cloud (seed 003, root causes 1 and 9)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile import microsoft as ms
from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require
from authdoctor.profile.schema import Profile
from authdoctor.profile.scopes import joined, scope_host, scope_list, with_host

RULE = Rule(
    id="scopes_cloud_mismatch",
    title="Scopes point at a different Microsoft cloud than the tenant's",
    severity="error",
    causes=("national_cloud_mismatch", "scope_invalid"),
    docs="""\
## What it checks
Compares the host of every URL-shaped scope with the tenant's cloud: worldwide and GCC use
`outlook.office.com`, GCC High and DoD use `outlook.office365.us` (Graph likewise has one
host per cloud).

## Why it matters
A US Government tenant does not know the worldwide resources and the reverse, so the token
request or the IMAP/POP login fails even though every scope looks correct on its own.

## How to fix
Use the scopes of the tenant's cloud. The computed list keeps each permission and swaps
only the host.
""",
)


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    if not ms.is_microsoft(profile):
        require(profile, "provider")
        return []
    require(profile, "cloud", "scopes")
    assert profile.cloud is not None
    family = ms.FAMILY[profile.cloud]
    scopes = scope_list(profile)
    fixed: list[str] = []
    wrong: list[str] = []
    for s in scopes:
        h = scope_host(s)
        fam = ms.family_of(h)
        new = ms.scope_replacement(h, family) if h and fam and fam != family else None
        if new:
            wrong.append(s)
            fixed.append(with_host(s, new))
        else:
            fixed.append(s)
    if not wrong:
        return []
    msg = (f"The tenant is in the {profile.cloud} cloud but {', '.join(wrong)} "
           f"{'belongs' if len(wrong) == 1 else 'belong'} to another cloud.")
    return [RULE.finding(msg, {"scopes": joined(list(dict.fromkeys(fixed)))}, "scopes")]


POSITIVE: list[dict[str, Any]] = [
    {"provider": "microsoft", "cloud": "gcc-high",
     "scopes": ["https://outlook.office.com/IMAP.AccessAsUser.All", "offline_access"]},
    {"provider": "microsoft", "cloud": "worldwide", "scopes": "https://outlook.office365.us/POP.AccessAsUser.All"},
]
NEGATIVE: list[dict[str, Any]] = [
    {"provider": "microsoft", "cloud": "dod",
     "scopes": ["https://outlook.office365.us/IMAP.AccessAsUser.All", "offline_access"]},
    {"provider": "microsoft", "cloud": "gcc",
     "scopes": ["https://outlook.office.com/IMAP.AccessAsUser.All", "offline_access"]},
]
