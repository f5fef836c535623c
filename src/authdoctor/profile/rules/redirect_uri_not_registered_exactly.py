"""The redirect URI in use matches no registered URI byte for byte (seed 002, AADSTS50011)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, MissingFacts, Rule, require
from authdoctor.profile.schema import Profile
from authdoctor.profile.urls import redirect_in_use, split

RULE = Rule(
    id="redirect_uri_not_registered_exactly",
    title="The redirect URI is not registered exactly as sent",
    severity="error",
    causes=("redirect_uri_mismatch",),
    docs="""\
## What it checks
Compares the redirect URI the product sends with each registered redirect URI, byte for
byte, and names what differs from the closest one: scheme, host, port, path, letter case,
trailing slash or query. For Posit Connect the URI is derived from `base_url`
(`<base_url>/__oauth__/integrations/callback`) when `redirect_uri` is not given.

## Why it matters
Providers compare redirect URIs as exact strings. `https://jira.example.com/cb` and
`https://jira.example.com/cb/` are different URIs, and the sign-in ends with a mismatch
error (AADSTS50011, `redirect_uri_mismatch`) before the user can consent.

## How to fix
Register the URI exactly as the product sends it (the computed value), or change the
product's base URL so that it produces a registered one.
""",
)

def differences(sent: str, registered: str) -> list[str]:
    a, b = split(sent), split(registered)
    out: list[str] = []
    if a[0] != b[0]:
        out.append("scheme" if a[0].lower() != b[0].lower() else "scheme letter case")
    if a[1] != b[1]:
        out.append("host" if a[1].lower() != b[1].lower() else "host letter case")
    if a[2] != b[2]:
        out.append("port")
    if a[3] != b[3]:
        if a[3].rstrip("/") == b[3].rstrip("/"):
            out.append("trailing slash")
        elif a[3].lower() == b[3].lower():
            out.append("path letter case")
        else:
            out.append("path")
    if a[4] != b[4]:
        out.append("query")
    return out


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    uri = redirect_in_use(profile)
    if uri is None:
        raise MissingFacts(["redirect_uri"])
    require(profile, "registered_redirect_uris")
    registered = profile.registered_redirect_uris or []
    if not registered or uri in registered:
        return []
    closest = min(registered, key=lambda r: (len(differences(uri, r)), r))
    diff = differences(uri, closest) or ["invisible characters"]
    msg = (f"`{uri}` is not registered; the closest registered URI `{closest}` differs in "
           f"{', '.join(diff)}.")
    return [RULE.finding(msg, {"registered_redirect_uris[+]": uri}, "registered_redirect_uris")]


POSITIVE: list[dict[str, Any]] = [
    {"redirect_uri": "https://jira.example.com/plugins/servlet/oauth2/callback",
     "registered_redirect_uris": ["https://jira.example.com/plugins/servlet/oauth2/callback/"]},
    {"product": "posit-connect", "base_url": "https://connect.example.com/",
     "registered_redirect_uris": ["https://Connect.example.com/__oauth__/integrations/callback"]},
    {"redirect_uri": "https://jira.example.com:443/cb", "registered_redirect_uris": ["https://jira.example.com/cb"]},
]
NEGATIVE: list[dict[str, Any]] = [
    {"redirect_uri": "https://jira.example.com/cb",
     "registered_redirect_uris": ["https://other.example.com/cb", "https://jira.example.com/cb"]},
    {"product": "posit-connect", "base_url": "https://connect.example.com",
     "registered_redirect_uris": ["https://connect.example.com/__oauth__/integrations/callback"]},
]
