"""The client secret expires within the warning window (default 30 days)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require
from authdoctor.profile.schema import Profile

RULE = Rule(
    id="secret_expiring_soon",
    title="The client secret expires soon",
    severity="warning",
    causes=("client_secret_expired",),
    docs="""\
## What it checks
Warns when `client_secret_expires` falls within the next N days (30 unless
`--expiry-days` says otherwise), today included.

## Why it matters
When the date passes, the integration fails like an expired secret always does: silently,
in the background, usually noticed only when mail stops arriving.

## How to fix
Create the new secret now, switch the configuration to it, and record the new expiry date.
""",
)


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    require(profile, "client_secret_expires")
    assert profile.client_secret_expires is not None
    days = (profile.client_secret_expires - ctx.day).days
    if days < 0 or days > ctx.expiry_days:
        return []
    when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
    msg = f"The client secret expires {when} ({profile.client_secret_expires.isoformat()})."
    fix = {"client_secret": "<the value of a new client secret>",
           "client_secret_expires": "<the new secret's expiry date>"}
    return [RULE.finding(msg, fix, "client_secret_expires")]


POSITIVE: list[dict[str, Any]] = [{"client_secret_expires": "2024-06-11"}, {"client_secret_expires": "2024-06-01"}]
NEGATIVE: list[dict[str, Any]] = [{"client_secret_expires": "2024-08-01"}, {"client_secret_expires": "2024-05-01"}]
