"""/common (or /organizations) endpoints with a single-tenant app (seed 001 root cause 1, seed 003 root cause 8)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile import microsoft as ms
from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require, require_any
from authdoctor.profile.schema import Profile

RULE = Rule(
    id="endpoint_common_single_tenant",
    title="A single-tenant app is used with a multi-tenant endpoint such as /common",
    severity="error",
    causes=("tenant_endpoint_mismatch",),
    docs="""\
## What it checks
For a Microsoft app registered for "this organizational directory only", looks at the tenant
segment of the authorization and token endpoints. `common`, `organizations` and `consumers`
are multi-tenant endpoints; Jira's default values use `common`.

## Why it matters
Microsoft refuses multi-tenant endpoints for single-tenant apps created after October 2018
(AADSTS50194), so authorization fails at the first step.

## How to fix
Put the tenant ID into both endpoints (the computed URLs keep your host and endpoint
version), save, generate a new redirect URL if the product asks for one, and register it.
Alternatively, make the app registration multi-tenant if your organisation allows it.
""",
)


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    if not ms.is_microsoft(profile):
        require(profile, "provider")
        return []
    require(profile, "app_account_type")
    require_any(profile, "authorization_endpoint", "token_endpoint")
    if profile.app_account_type != "single-tenant":
        return []
    tenant = profile.tenant_id or "<tenant_id>"
    fix: dict[str, str] = {}
    for name in ("authorization_endpoint", "token_endpoint"):
        url = getattr(profile, name)
        if ms.is_multi_tenant(url):
            fix[name] = ms.replace_tenant(url, tenant)
    if not fix:
        return []
    segs = sorted({str(ms.tenant_segment(getattr(profile, n))) for n in fix})
    msg = (f"The app is single-tenant but the endpoints use /{'/, /'.join(segs)}; use the tenant-specific "
           f"endpoints.")
    if profile.tenant_id is None:
        msg += " Add tenant_id to the profile to get the exact URLs."
    return [RULE.finding(msg, fix, next(iter(fix)))]


POSITIVE: list[dict[str, Any]] = [
    {"provider": "microsoft", "app_account_type": "single-tenant", "tenant_id": "0e5c1f1a-2b3c-4d5e-8f90-123456789abc",
     "authorization_endpoint": "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
     "token_endpoint": "https://login.microsoftonline.com/common/oauth2/v2.0/token"},
    {"app_account_type": "single-tenant",
     "token_endpoint": "https://login.microsoftonline.com/organizations/oauth2/v2.0/token"},
]
NEGATIVE: list[dict[str, Any]] = [
    {"provider": "microsoft", "app_account_type": "single-tenant",
     "authorization_endpoint": "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize"},
    {"provider": "microsoft", "app_account_type": "multi-tenant-and-personal",
     "authorization_endpoint": "https://login.microsoftonline.com/common/oauth2/v2.0/authorize"},
]
