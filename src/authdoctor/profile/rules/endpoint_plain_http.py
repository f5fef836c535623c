"""Endpoints reached over plain http://."""

from __future__ import annotations

from typing import Any

from authdoctor.profile import microsoft as ms
from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule
from authdoctor.profile.schema import Profile
from authdoctor.profile.urls import is_loopback

RULE = Rule(
    id="endpoint_plain_http",
    title="An OAuth endpoint uses plain http://",
    severity="error",
    causes=("endpoint_misconfigured",),
    docs="""\
## What it checks
Looks for `http://` in the authorization, token, user-info, JWKS, issuer and discovery URLs.
Loopback hosts (localhost, 127.0.0.1) are left alone for local testing.

## Why it matters
Public providers serve OAuth only over HTTPS: an http URL is redirected or refused, and the
client secret and tokens would cross the network unencrypted. An `http://` issuer also never
equals the `https://` issuer inside the tokens.

## How to fix
Use the `https://` form of each URL, as computed.
""",
)


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    fix: dict[str, str] = {}
    for name in ms.ENDPOINT_FIELDS:
        url = getattr(profile, name)
        if url and url.strip().lower().startswith("http://") and not is_loopback(ms.host(url)):
            fix[name] = "https://" + url.strip()[7:]
    if not fix:
        return []
    msg = f"{', '.join(fix)} use{'s' if len(fix) == 1 else ''} plain http://."
    return [RULE.finding(msg, fix, next(iter(fix)))]


POSITIVE: list[dict[str, Any]] = [
    {"token_endpoint": "http://login.example.com/oauth2/token"},
    {"issuer": "HTTP://idp.example.com/realms/main"},
]
NEGATIVE: list[dict[str, Any]] = [
    {"token_endpoint": "https://login.example.com/oauth2/token", "issuer": "https://idp.example.com/realms/main"},
    {"token_endpoint": "http://localhost:8080/realms/dev/protocol/openid-connect/token"},
]
