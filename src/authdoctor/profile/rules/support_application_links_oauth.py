"""OAuth 2.0 for applications other than mail arrived with Application Links in 8.22 (seed 003 table)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require
from authdoctor.profile.schema import Profile
from authdoctor.profile.versions import atlassian_server, below_minimum

RULE = Rule(
    id="support_application_links_oauth",
    title="This Jira/JSM version has no OAuth 2.0 application links",
    severity="error",
    causes=("product_version_unsupported",),
    docs="""\
## What it checks
For an `application-link` integration on Jira/JSM Server or Data Center, checks for Jira
8.22.0 / JSM 4.22.0 or later. Before that release OAuth 2.0 integrations served mail servers
only, configured under System > OAuth 2.0.

## Why it matters
On older versions there is no place to configure an outgoing OAuth 2.0 link to another
application, so the integration cannot be set up as intended.

## How to fix
Upgrade to Jira 8.22.0 / JSM 4.22.0 or later, where OAuth 2.0 integrations live under
Administration > Applications > Application links.
""",
)

MINIMUM = {"jira": (8, 22, 0), "jsm": (4, 22, 0)}


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    require(profile, "product", "integration")
    if not atlassian_server(profile) or profile.integration != "application-link":
        return []
    return below_minimum(RULE, profile, MINIMUM,
                         "{product} {version} has OAuth 2.0 for mail servers only; application links need {need}.")


POSITIVE: list[dict[str, Any]] = [
    {"product": "jira", "product_version": "8.20.10", "integration": "application-link"},
]
NEGATIVE: list[dict[str, Any]] = [
    {"product": "jira", "product_version": "8.22.0", "integration": "application-link"},
    {"product": "jira", "product_version": "8.20.10", "integration": "mail-handler"},
]
