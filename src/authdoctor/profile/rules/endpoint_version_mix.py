"""Microsoft v1 and v2.0 endpoints mixed in one configuration."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from authdoctor.profile import microsoft as ms
from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require
from authdoctor.profile.schema import Profile

RULE = Rule(
    id="endpoint_version_mix",
    title="Microsoft v1 and v2.0 endpoints are mixed",
    severity="warning",
    causes=("endpoint_misconfigured", "token_issuer_mismatch"),
    docs="""\
## What it checks
Classifies the Microsoft authorization and token endpoints (`/oauth2/authorize` is v1,
`/oauth2/v2.0/authorize` is v2.0) and the issuer (`https://sts.windows.net/<tenant>/` is v1,
`.../<tenant>/v2.0` is v2.0) and flags a configuration that uses both versions.

## Why it matters
The two versions take different parameters (v1 wants a `resource`, v2.0 wants scopes) and
issue tokens with different issuers. A code from one version cannot be redeemed at the other,
and a v1 issuer never matches v2.0 tokens.

## How to fix
Use the v2.0 endpoints throughout; the computed URLs keep your host and tenant.
""",
)


def _version(name: str, url: str) -> str | None:
    path = urlsplit(url.strip()).path.lower()
    if name == "issuer":
        if ms.host(url) == "sts.windows.net":
            return "v1"
        return "v2.0" if path.rstrip("/").endswith("/v2.0") else None
    if "/oauth2/v2.0/" in path:
        return "v2.0"
    return "v1" if "/oauth2/" in path else None


def _v2(name: str, url: str, tenant: str, login: str) -> str:
    if name == "issuer":
        return f"https://{login}/{tenant}/v2.0"
    kind = "authorize" if name == "authorization_endpoint" else "token"
    return f"https://{ms.host(url)}/{tenant}/oauth2/v2.0/{kind}"


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    if not ms.is_microsoft(profile):
        require(profile, "provider")
        return []
    versions: dict[str, str] = {}
    for name in ("authorization_endpoint", "token_endpoint", "issuer"):
        url = getattr(profile, name)
        v = _version(name, url) if url and ms.family_of(ms.host(url)) else None
        if v:
            versions[name] = v
    if len(set(versions.values())) < 2:
        require(profile, "authorization_endpoint", "token_endpoint")
        return []
    login = ms.LOGIN_HOST[ms.profile_family(profile) or "worldwide"]
    fix: dict[str, str] = {}
    for name, v in versions.items():
        if v == "v1":
            url = getattr(profile, name)
            tenant = profile.tenant_id or ms.tenant_segment(url) or "<tenant_id>"
            fix[name] = _v2(name, url, tenant, login)
    listing = ", ".join(f"{n} {v}" for n, v in versions.items())
    causes = ("token_issuer_mismatch",) if set(fix) == {"issuer"} else RULE.causes
    return [RULE.finding(f"Endpoint versions are mixed ({listing}).", fix, next(iter(fix)), causes)]


POSITIVE: list[dict[str, Any]] = [
    {"provider": "microsoft",
     "authorization_endpoint": "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/authorize",
     "token_endpoint": "https://login.microsoftonline.com/contoso.com/oauth2/token"},
    {"provider": "microsoft", "tenant_id": "0e5c1f1a-2b3c-4d5e-8f90-123456789abc",
     "token_endpoint": "https://login.microsoftonline.com/0e5c1f1a-2b3c-4d5e-8f90-123456789abc/oauth2/v2.0/token",
     "issuer": "https://sts.windows.net/0e5c1f1a-2b3c-4d5e-8f90-123456789abc/"},
]
NEGATIVE: list[dict[str, Any]] = [
    {"provider": "microsoft",
     "authorization_endpoint": "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/authorize",
     "token_endpoint": "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token",
     "issuer": "https://login.microsoftonline.com/0e5c1f1a-2b3c-4d5e-8f90-123456789abc/v2.0"},
    {"provider": "microsoft",
     "authorization_endpoint": "https://login.microsoftonline.com/contoso.com/oauth2/authorize",
     "token_endpoint": "https://login.microsoftonline.com/contoso.com/oauth2/token"},
]
