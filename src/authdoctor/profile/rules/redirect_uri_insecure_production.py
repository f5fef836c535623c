"""A localhost or http:// redirect URI on a production system."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from authdoctor.profile import microsoft as ms
from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, MissingFacts, Rule
from authdoctor.profile.schema import Profile
from authdoctor.profile.urls import is_loopback, redirect_in_use

RULE = Rule(
    id="redirect_uri_insecure_production",
    title="A production redirect URI points at localhost or uses http://",
    severity="error",
    causes=("redirect_uri_mismatch",),
    docs="""\
## What it checks
On a production system (`environment: production`, or a `base_url` on a real host when the
environment is not given), flags a redirect URI whose host is localhost/loopback or whose
scheme is `http://`.

## Why it matters
After sign-in the browser is sent to the redirect URI. `localhost` is the user's own machine,
not the server, so the flow never returns to the product; most providers also refuse
`http://` redirect URIs except for loopback, and an http callback exposes the authorization
code on the network.

## How to fix
Use the product's public `https://` address. With `base_url` set, the computed URI keeps
the path and swaps scheme, host and port for the base URL's.
""",
)


def _production(profile: Profile) -> bool:
    if profile.environment is not None:
        return profile.environment == "production"
    if profile.base_url and not is_loopback(ms.host(profile.base_url)):
        return True
    raise MissingFacts(["environment"])


def _fixed(uri: str, base_url: str | None) -> str:
    parts = urlsplit(uri)
    if base_url:
        base = urlsplit(base_url)
        if not is_loopback(base.hostname):
            return parts._replace(scheme="https", netloc=base.netloc).geturl()
    if is_loopback(parts.hostname):
        return parts._replace(scheme="https", netloc="<your public host>").geturl()
    return parts._replace(scheme="https").geturl()


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    uri = redirect_in_use(profile)
    if uri is None:
        raise MissingFacts(["redirect_uri"])
    if not _production(profile):
        return []
    h = ms.host(uri)
    problems = []
    if is_loopback(h):
        problems.append(f"points at {h}")
    if uri.lower().startswith("http://"):
        problems.append("uses http://")
    if not problems:
        return []
    fixed = _fixed(uri, profile.base_url)
    msg = f"The production redirect URI `{uri}` {' and '.join(problems)}."
    return [RULE.finding(msg, {"redirect_uri": fixed, "registered_redirect_uris[+]": fixed}, "redirect_uri")]


POSITIVE: list[dict[str, Any]] = [
    {"environment": "production", "redirect_uri": "http://localhost:8080/plugins/servlet/oauth2/callback",
     "base_url": "https://jira.example.com"},
    {"base_url": "https://jira.example.com", "redirect_uri": "http://jira.example.com/cb"},
]
NEGATIVE: list[dict[str, Any]] = [
    {"environment": "development", "redirect_uri": "http://localhost:8080/cb"},
    {"environment": "production", "redirect_uri": "https://jira.example.com/cb"},
]
