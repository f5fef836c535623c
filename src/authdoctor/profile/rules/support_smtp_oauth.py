"""Outgoing mail (SMTP) with OAuth 2.0 needs Jira 9.2.0 / JSM 5.2.0 (seed 003 table)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require
from authdoctor.profile.schema import Profile
from authdoctor.profile.versions import atlassian_server, below_minimum, protocol

RULE = Rule(
    id="support_smtp_oauth",
    title="This Jira/JSM version cannot send mail over SMTP with OAuth 2.0",
    severity="error",
    causes=("product_version_unsupported",),
    docs="""\
## What it checks
For `mail.protocol: smtp`, checks for Jira 9.2.0 / JSM 5.2.0 or later on Server/Data Center.

## Why it matters
Earlier versions offer OAuth 2.0 for incoming mail only; the outgoing mail server can use
a password at most, which Microsoft and Google increasingly refuse.

## How to fix
Upgrade to Jira 9.2.0 / JSM 5.2.0 or later, then select the OAuth 2.0 integration for the
outgoing mail server.
""",
)

MINIMUM = {"jira": (9, 2, 0), "jsm": (5, 2, 0)}


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    require(profile, "product")
    if not atlassian_server(profile) or (profile.mail is None and profile.integration != "mail-handler"):
        return []
    require(profile, "mail.protocol")
    if protocol(profile) != "smtp":
        return []
    return below_minimum(RULE, profile, MINIMUM,
                         "{product} {version} has no OAuth 2.0 for outgoing mail (from {need}).")


POSITIVE: list[dict[str, Any]] = [{"product": "jira", "product_version": "8.22.6", "mail": {"protocol": "smtp"}}]
NEGATIVE: list[dict[str, Any]] = [
    {"product": "jira", "product_version": "9.2.0", "mail": {"protocol": "smtp"}},
    {"product": "jsm", "product_version": "5.1.0", "mail": {"protocol": "imap"}},
]
