"""Scopes separated by commas or written without a separator."""

from __future__ import annotations

from typing import Any

from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require
from authdoctor.profile.schema import Profile
from authdoctor.profile.scopes import joined, raw_items, scope_list, split_scope

RULE = Rule(
    id="scopes_separator",
    title="Scopes are separated by commas or run together",
    severity="error",
    causes=("scope_invalid",),
    docs="""\
## What it checks
Looks at the scopes as they were typed: an item that contains a comma, a semicolon or `%20`,
or two scopes glued together (`...AccessAsUser.Allhttps://...`,
`...AccessAsUser.Alloffline_access`).

## Why it matters
OAuth separates scopes with spaces only. The provider reads a comma-joined string as one
unknown scope and rejects the request (`invalid_scope`), or silently ignores the glued part.

## How to fix
Enter one scope per line (or per list item, or separated by single spaces). The computed list
shows the intended scopes split apart.
""",
)


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    require(profile, "scopes")
    bad = [item for item in raw_items(profile) if split_scope(item) != [item]]
    if not bad:
        return []
    msg = f"{len(bad)} scope entr{'y is' if len(bad) == 1 else 'ies are'} not space-separated: {', '.join(bad)}."
    return [RULE.finding(msg, {"scopes": joined(scope_list(profile))}, "scopes")]


POSITIVE: list[dict[str, Any]] = [
    {"scopes": "https://outlook.office.com/IMAP.AccessAsUser.All,offline_access"},
    {"scopes": ["https://outlook.office.com/IMAP.AccessAsUser.Allhttps://outlook.office.com/POP.AccessAsUser.All"]},
    {"scopes": ["https://outlook.office.com/POP.AccessAsUser.Alloffline_access"]},
]
NEGATIVE: list[dict[str, Any]] = [
    {"scopes": "https://outlook.office.com/IMAP.AccessAsUser.All offline_access"},
    {"scopes": ["openid", "profile", "https://www.googleapis.com/auth/userinfo.email", "session:role:ANALYST"]},
]
