"""A GitHub OAuth App where refresh tokens are needed (seed 002)."""

from __future__ import annotations

import re
from typing import Any

from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require
from authdoctor.profile.schema import Profile
from authdoctor.profile.versions import refresh_required

RULE = Rule(
    id="github_oauth_app_no_refresh",
    title="A GitHub OAuth App is used where refresh tokens are needed",
    severity="error",
    causes=("provider_issues_no_refresh_token",),
    docs="""\
## What it checks
For GitHub as the provider and an integration that renews tokens in the background, checks
whether the registration is an OAuth App or a GitHub App. `github_app_type` says so; when it
is not given, the client ID's shape decides (GitHub App IDs start with `Iv`, OAuth App IDs
with `Ov` or are 20 hex digits).

## Why it matters
GitHub OAuth Apps never return refresh tokens, whatever scopes are requested. A client that
expects one reports "no refresh token found" after the first login.

## How to fix
Register a GitHub App (with user-to-server token expiry left on), and configure its client
ID and secret in the integration instead of the OAuth App's.
""",
)

_GITHUB_APP = re.compile(r"^Iv[0-9a-z]{1,3}[.]?[0-9A-Za-z]{8,}$")
_OAUTH_APP = re.compile(r"^(?:Ov[0-9a-z]{1,3}[0-9A-Za-z]{8,}|[0-9a-f]{20})$")


def app_type(profile: Profile) -> tuple[str | None, str]:
    """The app type and how it was learnt."""
    if profile.github_app_type is not None:
        return profile.github_app_type, "github_app_type"
    cid = profile.client_id or ""
    if _GITHUB_APP.match(cid):
        return "github-app", "the client ID's shape"
    if _OAUTH_APP.match(cid):
        return "oauth-app", "the client ID's shape"
    return None, ""


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    require(profile, "provider")
    if profile.provider != "github":
        return []
    if not refresh_required(profile):
        return []
    kind, how = app_type(profile)
    if kind is None:
        require(profile, "github_app_type")
    if kind != "oauth-app":
        return []
    msg = f"The registration is a GitHub OAuth App (from {how}); OAuth Apps issue no refresh tokens."
    return [RULE.finding(msg, {"github_app_type": "github-app", "client_id": "<the GitHub App's client ID>"},
                         "github_app_type")]


POSITIVE: list[dict[str, Any]] = [
    {"provider": "github", "product": "posit-connect", "github_app_type": "oauth-app"},
    {"provider": "github", "needs_refresh_token": True, "client_id": "Ov23liAbCdEfGhIjKlMn"},
]
NEGATIVE: list[dict[str, Any]] = [
    {"provider": "github", "product": "posit-connect", "client_id": "Iv23liAbCdEfGhIjKlMn"},
    {"provider": "github", "integration": "sso", "github_app_type": "oauth-app"},
]
