"""No offline-access scope although the integration needs refresh tokens (seeds 002 and 003)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile import microsoft as ms
from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require
from authdoctor.profile.schema import Profile
from authdoctor.profile.scopes import joined, scope_list
from authdoctor.profile.versions import refresh_required

RULE = Rule(
    id="scopes_offline_access_missing",
    title="Refresh tokens are needed but the offline-access scope is not requested",
    severity="error",
    causes=("scope_offline_access_missing",),
    docs="""\
## What it checks
When the integration must keep working without the user (a mail handler, a stored OAuth 2.0
integration, Posit Connect, or `needs_refresh_token` set to true), looks for the scope
that asks for refresh tokens (`offline_access` for Microsoft, Okta, Auth0, Ping and generic
OpenID Connect providers, `refresh_token` for Snowflake and Salesforce). Google (which uses
`access_type=offline` instead of a scope), GitHub (see `github_oauth_app_no_refresh`) and
Keycloak (which issues refresh tokens without it) are not checked.

## Why it matters
Without the scope the provider issues an access token only. Everything works for about an
hour, then the integration cannot renew the token and asks for a new authorization.

## How to fix
Add the provider's offline-access scope to the list, save, and authorize again.
""",
)

OFFLINE = {"microsoft": "offline_access", "okta": "offline_access", "auth0": "offline_access",
           "ping": "offline_access", "adfs": "offline_access", "generic": "offline_access",
           "snowflake": "refresh_token", "salesforce": "refresh_token"}
ALSO_ACCEPTED = {"salesforce": {"offline_access", "full"}}


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    provider = ms.provider_of(profile)
    if provider is None:
        require(profile, "provider")
    assert provider is not None
    wanted = OFFLINE.get(provider)
    if wanted is None:
        return []
    if not refresh_required(profile):
        return []
    require(profile, "scopes")
    have = scope_list(profile)
    accepted = {wanted, *ALSO_ACCEPTED.get(provider, set())}
    if accepted & {s.lower() for s in have}:
        return []
    msg = (f"The integration renews tokens in the background, but `{wanted}` is not requested, so "
           f"{provider} issues no refresh token.")
    return [RULE.finding(msg, {"scopes": joined([*have, wanted])}, "scopes")]


POSITIVE: list[dict[str, Any]] = [
    {"provider": "microsoft", "integration": "mail-handler", "scopes": "https://outlook.office.com/IMAP.AccessAsUser.All"},
    {"provider": "snowflake", "product": "posit-connect", "scopes": ["session:role:ANALYST"]},
]
NEGATIVE: list[dict[str, Any]] = [
    {"provider": "snowflake", "product": "posit-connect", "scopes": ["refresh_token", "session:role:ANALYST"]},
    {"provider": "okta", "integration": "sso", "scopes": "openid profile email"},
    {"provider": "microsoft", "integration": "oauth2-integration",
     "scopes": "https://outlook.office.com/IMAP.AccessAsUser.All offline_access"},
]
