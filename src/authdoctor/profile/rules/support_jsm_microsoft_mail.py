"""JSM mail handlers reach Microsoft with OAuth 2.0 from 4.12.0 (seed 003 version table)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile import microsoft as ms
from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require
from authdoctor.profile.schema import Profile
from authdoctor.profile.versions import atlassian_server, below_minimum, is_mail

RULE = Rule(
    id="support_jsm_microsoft_mail",
    title="This JSM version cannot use OAuth 2.0 with a Microsoft mailbox",
    severity="error",
    causes=("product_version_unsupported",),
    docs="""\
## What it checks
For a Jira Service Management mail handler on Server/Data Center with Microsoft as the
provider, checks that JSM is 4.12.0 or later. JSM 4.10 and 4.11 support OAuth 2.0 for
Google mailboxes only.

## Why it matters
On older JSM versions the email channel cannot complete OAuth 2.0 with Microsoft, so
authorization or the connection test fails whatever the Azure configuration.

## How to fix
Upgrade JSM to 4.12.0 or later (4.22.0 or later for GCC High/DoD mailboxes).
""",
)

MINIMUM = {"jsm": (4, 12, 0)}


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    require(profile, "product")
    if profile.product != "jsm" or not atlassian_server(profile) or not is_mail(profile):
        return []
    if not ms.is_microsoft(profile):
        require(profile, "provider")
        return []
    return below_minimum(RULE, profile, MINIMUM,
                         "{product} {version} supports OAuth 2.0 mail with Google only; Microsoft needs {need}.")


POSITIVE: list[dict[str, Any]] = [
    {"product": "jsm", "product_version": "4.11.2", "provider": "microsoft", "integration": "mail-handler"},
]
NEGATIVE: list[dict[str, Any]] = [
    {"product": "jsm", "product_version": "4.12.0", "provider": "microsoft", "integration": "mail-handler"},
    {"product": "jsm", "product_version": "4.11.2", "provider": "google", "integration": "mail-handler"},
]
