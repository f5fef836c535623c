"""SSO without a key to verify tokens (seed 000, "Public Key/Certificate Not Configured")."""

from __future__ import annotations

from typing import Any

from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require
from authdoctor.profile.schema import Profile

RULE = Rule(
    id="sso_signing_key_missing",
    title="SSO has no key or JWKS URL to verify token signatures",
    severity="error",
    causes=("signing_key_not_configured",),
    docs="""\
## What it checks
For an SSO integration, flags `signing_key_configured: false` when no `jwks_uri` is given
either.

## Why it matters
The client must verify the signature of every ID token or JWT it receives. With neither a
certificate nor a JWKS URL there is nothing to verify against, and each login fails.

## How to fix
Set the provider's JWKS URL (from its discovery document), or paste the provider's signing
certificate or public key into the SSO configuration.
""",
)


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    require(profile, "integration")
    if profile.integration != "sso" or profile.jwks_uri:
        return []
    require(profile, "signing_key_configured")
    if profile.signing_key_configured:
        return []
    fix = {"jwks_uri": "<jwks_uri from the provider's discovery document>"}
    if profile.issuer:
        fix["discovery_url"] = profile.issuer.rstrip("/") + "/.well-known/openid-configuration"
    return [RULE.finding("No signing key and no JWKS URL are configured for SSO.", fix, "signing_key_configured")]


POSITIVE: list[dict[str, Any]] = [
    {"integration": "sso", "signing_key_configured": False, "issuer": "https://idp.example.com/realms/main"},
]
NEGATIVE: list[dict[str, Any]] = [
    {"integration": "sso", "signing_key_configured": False,
     "jwks_uri": "https://idp.example.com/realms/main/protocol/openid-connect/certs"},
    {"integration": "sso", "signing_key_configured": True},
]
