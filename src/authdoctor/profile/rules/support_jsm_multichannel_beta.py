"""The JSM 4.18 multi-channel email beta with OAuth 2.0 (seed 003 root cause 12)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, MissingFacts, Rule, require
from authdoctor.profile.schema import Profile
from authdoctor.profile.versions import atlassian_server, is_mail, parse

RULE = Rule(
    id="support_jsm_multichannel_beta",
    title="The JSM multi-channel email beta is used with OAuth 2.0",
    severity="error",
    causes=("product_version_unsupported",),
    docs="""\
## What it checks
On JSM 4.18 up to (not including) 4.22.0, flags the beta of multiple email channels per
project: the dark feature `sd.multi.incoming.email.support.enabled`, or two or more OAuth 2.0
channels in one project (`mail.oauth_channels`).

## Why it matters
The beta was incomplete: the second OAuth 2.0 channel fails to configure, shows "Failed",
and the incoming-mail log reports "OAuth token not defined for connection".

## How to fix
Upgrade to JSM 4.22.0 or later, where the finished feature replaced the beta, or keep one
OAuth 2.0 channel per project until then.
""",
)

DARK_FEATURE = "sd.multi.incoming.email.support.enabled"


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    require(profile, "product")
    if profile.product != "jsm" or not atlassian_server(profile) or not is_mail(profile):
        return []
    require(profile, "product_version")
    version = parse(profile.product_version)
    if version is None or not (4, 18, 0) <= version < (4, 22, 0):
        return []
    channels = profile.mail.oauth_channels if profile.mail is not None else None
    if profile.dark_features is None and channels is None:
        raise MissingFacts(["dark_features", "mail.oauth_channels"])
    beta = DARK_FEATURE in (profile.dark_features or []) or (channels or 0) >= 2
    if not beta:
        return []
    msg = f"JSM {profile.product_version} runs the multi-channel email beta, whose second OAuth 2.0 channel fails."
    return [RULE.finding(msg, {"product_version": ">= 4.22.0"}, "dark_features" if profile.dark_features else "mail")]


POSITIVE: list[dict[str, Any]] = [
    {"product": "jsm", "product_version": "4.18.1", "integration": "mail-handler", "dark_features": [DARK_FEATURE]},
    {"product": "jsm", "product_version": "4.20.0", "mail": {"protocol": "imap", "oauth_channels": 2}},
]
NEGATIVE: list[dict[str, Any]] = [
    {"product": "jsm", "product_version": "4.22.0", "integration": "mail-handler", "dark_features": [DARK_FEATURE]},
    {"product": "jsm", "product_version": "4.18.1", "integration": "mail-handler", "dark_features": [],
     "mail": {"oauth_channels": 1}},
]
