"""A public client without PKCE (seed 000, pkce_missing_challenge)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require
from authdoctor.profile.schema import Profile

RULE = Rule(
    id="pkce_public_client",
    title="A public client runs the code flow without PKCE",
    severity="warning",
    causes=("pkce_invalid",),
    docs="""\
## What it checks
Flags `client_auth_method: none` (a public client, no secret) with `pkce: false`.

## Why it matters
Without a secret, PKCE is the only thing that ties the code to the client that asked for
it. Okta, Microsoft (single-page apps), Auth0 and others refuse such requests
(`pkce_missing_challenge`, "PKCE is required").

## How to fix
Turn on PKCE in the client (for the miniOrange plugin: "Enable PKCE" in the IDP's advanced
settings), with the S256 method.
""",
)


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    require(profile, "client_auth_method")
    if profile.client_auth_method != "none":
        return []
    require(profile, "pkce")
    if profile.pkce:
        return []
    return [RULE.finding("The client has no secret and sends no PKCE challenge.", {"pkce": "true"}, "pkce")]


POSITIVE: list[dict[str, Any]] = [{"client_auth_method": "none", "pkce": False}]
NEGATIVE: list[dict[str, Any]] = [
    {"client_auth_method": "none", "pkce": True},
    {"client_auth_method": "client_secret_post", "pkce": False},
]
