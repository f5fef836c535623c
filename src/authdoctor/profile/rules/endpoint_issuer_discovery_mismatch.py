"""The configured issuer disagrees with the discovery document (seed 000, MO_OAUTH_ERROR_00002)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile import microsoft as ms
from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require, require_any
from authdoctor.profile.schema import Profile

RULE = Rule(
    id="endpoint_issuer_discovery_mismatch",
    title="The configured issuer differs from the discovery document's",
    severity="error",
    causes=("token_issuer_mismatch", "endpoint_misconfigured"),
    docs="""\
## What it checks
Compares the configured `issuer` with the `issuer` value the discovery document states
(`discovery_issuer`), character for character, and checks that the discovery URL is the
issuer followed by `/.well-known/openid-configuration`. Microsoft's multi-tenant discovery
(`/common`, `/organizations`) is exempt because its issuer is a template.

## Why it matters
Clients compare the `iss` claim of every token with the configured issuer exactly. A
trailing slash, another realm or another tenant makes every login fail with an "invalid
issuer" error, although all endpoints answer.

## How to fix
Copy the issuer from the discovery document into the client configuration, or point the
discovery URL at the issuer you meant.
""",
)

WELL_KNOWN = "/.well-known/openid-configuration"


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    require(profile, "issuer")
    require_any(profile, "discovery_issuer", "discovery_url")
    assert profile.issuer is not None
    out: list[CheckFinding] = []
    if profile.discovery_issuer is not None and profile.discovery_issuer != profile.issuer:
        msg = (f"The discovery document says issuer `{profile.discovery_issuer}`, the client expects "
               f"`{profile.issuer}`; tokens will be rejected.")
        out.append(RULE.finding(msg, {"issuer": profile.discovery_issuer}, "issuer", ("token_issuer_mismatch",)))
    url = profile.discovery_url
    multi = ms.is_multi_tenant(url) and ms.family_of(ms.host(url))
    if url and not multi:
        expected = profile.issuer.rstrip("/") + WELL_KNOWN
        if url.rstrip("/") != expected:
            msg = f"The discovery URL `{url}` is not the issuer's (`{expected}`); one of the two points elsewhere."
            out.append(RULE.finding(msg, {"discovery_url": expected}, "discovery_url", ("endpoint_misconfigured",)))
    return out


POSITIVE: list[dict[str, Any]] = [
    {"issuer": "https://idp.example.com/realms/main/", "discovery_issuer": "https://idp.example.com/realms/main"},
    {"issuer": "https://idp.example.com/realms/main",
     "discovery_url": "https://idp.example.com/realms/test/.well-known/openid-configuration"},
]
NEGATIVE: list[dict[str, Any]] = [
    {"issuer": "https://dev-123.okta.com/oauth2/default", "discovery_issuer": "https://dev-123.okta.com/oauth2/default",
     "discovery_url": "https://dev-123.okta.com/oauth2/default/.well-known/openid-configuration"},
    {"issuer": "https://login.microsoftonline.com/0e5c1f1a-2b3c-4d5e-8f90-123456789abc/v2.0",
     "discovery_url": "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration"},
]
