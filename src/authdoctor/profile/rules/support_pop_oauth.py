"""POP with OAuth 2.0 needs Jira 8.15.0, 8.13.4 or 8.5.12 (JSM 4.15.0) (seed 003 root cause 10)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require
from authdoctor.profile.schema import Profile
from authdoctor.profile.versions import Version, atlassian_server, is_mail, label, parse, protocol

RULE = Rule(
    id="support_pop_oauth",
    title="This Jira/JSM version cannot use POP with OAuth 2.0",
    severity="error",
    causes=("product_version_unsupported", "mail_pop_auth_format"),
    docs="""\
## What it checks
For a POP mail handler with OAuth 2.0, checks the version: Jira 8.15.0 or later, or a fix
release of an older line (8.13.4+ on 8.13.x, 8.5.12+ on 8.5.x); JSM 4.15.0 or later.

## Why it matters
Earlier versions cannot log in to POP with a token; the connection test fails with
"Protocol error. Connection is closed. 10".

## How to fix
Upgrade to a version with POP support, or use IMAP if the version already supports it.
""",
)


def supported(product: str, v: Version) -> bool:
    if product == "jsm":
        return v >= (4, 15, 0)
    return v >= (8, 15, 0) or (v[:2] == (8, 13) and v >= (8, 13, 4)) or (v[:2] == (8, 5) and v >= (8, 5, 12))


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    require(profile, "product")
    if not atlassian_server(profile) or not is_mail(profile):
        return []
    require(profile, "mail.protocol")
    if protocol(profile) != "pop":
        return []
    require(profile, "product_version")
    assert profile.product is not None
    version = parse(profile.product_version)
    if version is None or supported(profile.product, version):
        return []
    need = ">= 4.15.0" if profile.product == "jsm" else ">= 8.15.0 (or 8.13.4 / 8.5.12 on those lines)"
    msg = f"{label(profile.product)} {profile.product_version} does not support POP with OAuth 2.0."
    return [RULE.finding(msg, {"product_version": need}, "product_version", ("product_version_unsupported",))]


POSITIVE: list[dict[str, Any]] = [
    {"product": "jira", "product_version": "8.13.1", "integration": "mail-handler", "mail": {"protocol": "pop"}},
    {"product": "jsm", "product_version": "4.14.0", "mail": {"protocol": "pop"}},
]
NEGATIVE: list[dict[str, Any]] = [
    {"product": "jira", "product_version": "8.13.4", "integration": "mail-handler", "mail": {"protocol": "pop"}},
    {"product": "jira", "product_version": "8.5.12", "integration": "mail-handler", "mail": {"protocol": "pop"}},
    {"product": "jira", "product_version": "8.13.1", "integration": "mail-handler", "mail": {"protocol": "imap"}},
]
