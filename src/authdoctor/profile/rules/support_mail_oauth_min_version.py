"""Mail handlers with OAuth 2.0 need Jira 8.10.0 / JSM 4.10.0 (seed 003 version table)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require
from authdoctor.profile.schema import Profile
from authdoctor.profile.versions import atlassian_server, below_minimum, is_mail

RULE = Rule(
    id="support_mail_oauth_min_version",
    title="This Jira/JSM version has no OAuth 2.0 for incoming mail",
    severity="error",
    causes=("product_version_unsupported",),
    docs="""\
## What it checks
For a Jira or Jira Service Management mail handler on Server/Data Center, checks the
version against the first release with OAuth 2.0 for incoming mail: Jira 8.10.0 and
JSM 4.10.0 (IMAP; for JSM with Google only until 4.12.0).

## Why it matters
Older versions cannot authenticate a mail server with OAuth 2.0 at all, so no amount of
configuration on the provider side will make the handler connect.

## How to fix
Upgrade to at least the version given (later releases add POP, Microsoft for JSM and
SMTP; see the other `support_` rules).
""",
)

MINIMUM = {"jira": (8, 10, 0), "jsm": (4, 10, 0)}


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    require(profile, "product")
    if not atlassian_server(profile) or not is_mail(profile):
        return []
    return below_minimum(RULE, profile, MINIMUM, "{product} {version} predates OAuth 2.0 for mail (from {need}).")


POSITIVE: list[dict[str, Any]] = [
    {"product": "jira", "product_version": "8.5.3", "integration": "mail-handler"},
    {"product": "jsm", "product_version": "4.9.0", "mail": {"protocol": "imap"}},
]
NEGATIVE: list[dict[str, Any]] = [
    {"product": "jira", "product_version": "8.10.0", "integration": "mail-handler"},
    {"product": "jira", "product_version": "8.5.3", "integration": "sso"},
]
