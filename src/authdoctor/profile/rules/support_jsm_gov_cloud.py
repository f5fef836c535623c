"""JSM mail handlers support GCC High/DoD from 4.22.0 (Data Center) / 4.22.2 (Server) (seed 003 root cause 9)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, MissingFacts, Rule, require
from authdoctor.profile.schema import Profile
from authdoctor.profile.versions import atlassian_server, is_mail, label, parse

RULE = Rule(
    id="support_jsm_gov_cloud",
    title="This JSM version cannot reach a GCC High or DoD mailbox",
    severity="error",
    causes=("product_version_unsupported", "national_cloud_mismatch"),
    docs="""\
## What it checks
For a JSM mail handler whose Microsoft tenant is in GCC High or DoD, checks for JSM 4.22.0
(Data Center) or 4.22.2 (Server), the first releases that let the mail host name be set.
When the version lies between the two and the edition is unknown, the rule asks for
`edition`.

## Why it matters
Older JSM email channels always connect to the worldwide host `outlook.office365.com`,
which does not serve US Government mailboxes.

## How to fix
Upgrade JSM (4.22.0 on Data Center, 4.22.2 on Server, or later) and set the mail host to
`outlook.office365.us`.
""",
)


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    require(profile, "product")
    if profile.product != "jsm" or not atlassian_server(profile) or not is_mail(profile):
        return []
    require(profile, "cloud")
    if profile.cloud not in ("gcc-high", "dod"):
        return []
    require(profile, "product_version")
    version = parse(profile.product_version)
    if version is None or version >= (4, 22, 2):
        return []
    if version >= (4, 22, 0):
        if profile.edition is None:
            raise MissingFacts(["edition"])
        if profile.edition == "data-center":
            return []
    need = "4.22.2" if profile.edition == "server" else "4.22.0"
    msg = (f"JSM {profile.product_version} cannot use a {profile.cloud} mailbox; "
           f"{label(profile.edition or 'data-center')} needs {need} or later.")
    return [RULE.finding(msg, {"product_version": f">= {need}", "mail.host": "outlook.office365.us"},
                         "product_version")]


POSITIVE: list[dict[str, Any]] = [
    {"product": "jsm", "product_version": "4.20.3", "edition": "data-center", "cloud": "gcc-high",
     "integration": "mail-handler"},
    {"product": "jsm", "product_version": "4.22.1", "edition": "server", "cloud": "dod", "integration": "mail-handler"},
]
NEGATIVE: list[dict[str, Any]] = [
    {"product": "jsm", "product_version": "4.22.0", "edition": "data-center", "cloud": "gcc-high",
     "integration": "mail-handler"},
    {"product": "jsm", "product_version": "4.20.3", "cloud": "worldwide", "integration": "mail-handler"},
]
