"""Atlassian OAuth 2.0 integrations support the authorization code flow only (seed 001)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require
from authdoctor.profile.schema import Profile
from authdoctor.profile.versions import label

RULE = Rule(
    id="flow_client_credentials_unsupported",
    title="The product's OAuth 2.0 integration does not support this grant",
    severity="error",
    causes=("unsupported_flow",),
    docs="""\
## What it checks
For Jira, JSM and Confluence OAuth 2.0 integrations and mail handlers, flags any grant other
than the authorization code flow (`grant_type`).

## Why it matters
These integrations always send an administrator through the provider's sign-in page and
redeem a code; they cannot use client credentials or other grants. An app registration set
up only for client credentials (application permissions, no redirect URI) cannot work.

## How to fix
Register the app for the authorization code flow with delegated permissions and a redirect
URI, and authorize the integration interactively.
""",
)

ATLASSIAN = ("jira", "jsm", "confluence")


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    require(profile, "product")
    if profile.product not in ATLASSIAN or profile.integration in ("sso",):
        return []
    require(profile, "grant_type")
    if profile.grant_type == "authorization_code":
        return []
    msg = f"{label(profile.product)} OAuth 2.0 integrations use the authorization code flow, not {profile.grant_type}."
    return [RULE.finding(msg, {"grant_type": "authorization_code"}, "grant_type")]


POSITIVE: list[dict[str, Any]] = [
    {"product": "jira", "integration": "mail-handler", "grant_type": "client_credentials"},
]
NEGATIVE: list[dict[str, Any]] = [
    {"product": "jira", "integration": "mail-handler", "grant_type": "authorization_code"},
    {"product": "posit-connect", "grant_type": "client_credentials"},
]
