"""POP with OAuth 2.0 without Jira's two-line authentication format (seed 003 root cause 10)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require
from authdoctor.profile.schema import Profile
from authdoctor.profile.versions import is_mail, protocol

RULE = Rule(
    id="mail_pop_two_line_format",
    title="POP with OAuth 2.0 runs without the two-line authentication format",
    severity="error",
    causes=("mail_pop_auth_format",),
    docs="""\
## What it checks
For a POP mail server that authenticates with OAuth 2.0, checks that Jira's option
"Use two line authentication format" is on (`mail.two_line_auth_format: true`).

## Why it matters
Without the option Jira sends the token in the one-line form the POP server does not
accept, and the connection test ends with "Protocol error. Connection is closed. 10".

## How to fix
Tick "Use two line authentication format" in System > Incoming Mail > the mail server, and
test the connection again.
""",
)


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    require(profile, "mail.protocol")
    if protocol(profile) != "pop" or not is_mail(profile):
        return []
    require(profile, "mail.two_line_auth_format")
    assert profile.mail is not None
    if profile.mail.two_line_auth_format:
        return []
    msg = "POP with OAuth 2.0 needs the two-line authentication format, which is off."
    return [RULE.finding(msg, {"mail.two_line_auth_format": "true"}, "mail.two_line_auth_format")]


POSITIVE: list[dict[str, Any]] = [
    {"integration": "mail-handler", "mail": {"protocol": "pop", "two_line_auth_format": False}},
]
NEGATIVE: list[dict[str, Any]] = [
    {"integration": "mail-handler", "mail": {"protocol": "pop", "two_line_auth_format": True}},
    {"integration": "mail-handler", "mail": {"protocol": "imap", "two_line_auth_format": False}},
]
