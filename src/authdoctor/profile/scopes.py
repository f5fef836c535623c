"""Reading the scope list the way a provider would, and the way a person typed it.

OAuth separates scopes with single spaces. People paste lists with commas, semicolons or
nothing at all between two URLs; :func:`split_scope` undoes those mistakes so the other
rules judge the intended scopes, while the separator rule reports the typing itself.
"""

from __future__ import annotations

import re

from authdoctor.profile.schema import Profile

OIDC_SCOPES = {"openid", "profile", "email", "offline_access", "address", "phone"}
_GLUE = re.compile(r"[,;]+|%20")
_URL_START = re.compile(r"(?<=.)(?=(?:https?|api)://)")
_OFFLINE_TAIL = re.compile(r"(?<=[A-Za-z0-9.])(?=offline_access$)")


def raw_items(profile: Profile) -> list[str]:
    """The scopes as written: list items, or the whitespace-separated words of one string."""
    if profile.scopes is None:
        return []
    if isinstance(profile.scopes, str):
        return profile.scopes.split()
    out: list[str] = []
    for item in profile.scopes:
        out += item.split()
    return out


def split_scope(item: str) -> list[str]:
    """One written item -> the scopes it stands for (commas, %20, run-together URLs undone)."""
    parts: list[str] = []
    for piece in _GLUE.split(item):
        for url_piece in _URL_START.split(piece):
            parts += _OFFLINE_TAIL.split(url_piece) if "://" in url_piece else [url_piece]
    return [p for p in parts if p]


def scope_list(profile: Profile) -> list[str]:
    """The intended scopes, in order, without duplicates."""
    out: list[str] = []
    for item in raw_items(profile):
        for s in split_scope(item):
            if s not in out:
                out.append(s)
    return out


def resource(scope: str) -> str | None:
    """The Microsoft resource a scope belongs to; None for OpenID Connect scopes.

    ``https://outlook.office.com/IMAP.AccessAsUser.All`` -> ``https://outlook.office.com``;
    a bare permission such as ``User.Read`` belongs to Microsoft Graph.
    """
    if scope.lower() in OIDC_SCOPES:
        return None
    if "://" in scope:
        base = scope.rsplit("/", 1)[0] if scope.count("/") > 2 else scope.rstrip("/")
        scheme, _, rest = base.partition("://")
        return f"{scheme.lower()}://{rest.lower()}"
    return "https://graph.microsoft.com"


def scope_host(scope: str) -> str | None:
    if "://" not in scope:
        return None
    rest = scope.split("://", 1)[1]
    return rest.split("/", 1)[0].lower() or None


def with_host(scope: str, new_host: str) -> str:
    scheme, _, rest = scope.partition("://")
    _, slash, path = rest.partition("/")
    return f"{scheme}://{new_host}{slash}{path}"


def joined(scopes: list[str]) -> str:
    return " ".join(scopes)
