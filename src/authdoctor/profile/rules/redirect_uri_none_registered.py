"""No redirect URI registered at all (seed 002, AADSTS500113)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require
from authdoctor.profile.schema import Profile
from authdoctor.profile.urls import redirect_in_use

RULE = Rule(
    id="redirect_uri_none_registered",
    title="No redirect URI is registered for the client",
    severity="error",
    causes=("redirect_uri_not_registered",),
    docs="""\
## What it checks
Flags `registered_redirect_uris: []`, an app registration without any redirect URI.
(Leaving the field out means "unknown" and skips the check.)

## Why it matters
The provider has nowhere to send the user back to, and answers the authorization request
with an error such as AADSTS500113 ("No reply address is registered").

## How to fix
Register the redirect URI the product shows (computed from `redirect_uri`, or from
`base_url` for Posit Connect) on the web platform of the app registration.
""",
)


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    require(profile, "registered_redirect_uris")
    if profile.registered_redirect_uris:
        return []
    uri = redirect_in_use(profile) or "<the redirect URI shown by the product>"
    return [RULE.finding("The app registration has no redirect URI.", {"registered_redirect_uris[+]": uri},
                         "registered_redirect_uris")]


POSITIVE: list[dict[str, Any]] = [
    {"redirect_uri": "https://jira.example.com/cb", "registered_redirect_uris": []},
    {"registered_redirect_uris": []},
]
NEGATIVE: list[dict[str, Any]] = [
    {"registered_redirect_uris": ["https://jira.example.com/cb"]},
]
