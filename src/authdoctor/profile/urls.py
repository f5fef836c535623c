"""Small URL questions the redirect and endpoint rules share."""

from __future__ import annotations

import ipaddress
from urllib.parse import SplitResult, urlsplit

from authdoctor.profile.schema import Profile

POSIT_CALLBACK = "/__oauth__/integrations/callback"


def redirect_in_use(profile: Profile) -> str | None:
    """The redirect URI the product sends; Posit Connect's follows from its base URL (seed 002)."""
    if profile.redirect_uri:
        return profile.redirect_uri
    if profile.product == "posit-connect" and profile.base_url:
        return profile.base_url.rstrip("/") + POSIT_CALLBACK
    return None


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    h = host.strip("[]").lower()
    if h == "localhost" or h.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def parse(url: str | None) -> SplitResult | None:
    """``urlsplit`` of the trimmed URL; None when it is empty or malformed."""
    if not url:
        return None
    try:
        return urlsplit(url.strip())
    except ValueError:
        return None


def split(url: str) -> tuple[str, str, int | None, str, str]:
    """(scheme, host, port, path, query) with scheme and host as written (case kept)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "", "", None, url, ""
    netloc = parts.netloc.rsplit("@", 1)[-1]
    host = netloc.rsplit(":", 1)[0] if parts.port is not None else netloc
    return parts.scheme, host, port, parts.path, parts.query
