"""The client secret's expiry date has passed (seed 003 root cause 14, seed 002 AADSTS7000222)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require
from authdoctor.profile.schema import Profile

RULE = Rule(
    id="secret_expired",
    title="The client secret has expired",
    severity="error",
    causes=("client_secret_expired",),
    docs="""\
## What it checks
Compares `client_secret_expires` with the date the check runs and flags a date
that has passed.

## Why it matters
An expired secret is refused at the token endpoint (AADSTS7000222 for Microsoft). Mail
handlers stop fetching mail and stored integrations stop refreshing their tokens, often
weeks after anyone last looked at the configuration.

## How to fix
Create a new secret in the app registration, put its value into the configuration, record
its new expiry date in the profile, and set a reminder well before that date.
""",
)


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    require(profile, "client_secret_expires")
    assert profile.client_secret_expires is not None
    expires = profile.client_secret_expires
    if expires >= ctx.day:
        return []
    days = (ctx.day - expires).days
    msg = f"The client secret expired on {expires.isoformat()} ({days} day{'s' if days != 1 else ''} ago)."
    fix = {"client_secret": "<the value of a new client secret>",
           "client_secret_expires": "<the new secret's expiry date>"}
    return [RULE.finding(msg, fix, "client_secret_expires")]


POSITIVE: list[dict[str, Any]] = [{"client_secret_expires": "2024-05-31"}, {"client_secret_expires": "2020-01-01"}]
NEGATIVE: list[dict[str, Any]] = [{"client_secret_expires": "2024-06-01"}, {"client_secret_expires": "2026-01-01"}]
