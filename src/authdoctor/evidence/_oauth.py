"""OAuth 2.0 / OIDC vocabulary shared by the evidence analyzers.

Parameters are parsed with hard bounds (a pasted URL or a HAR body is untrusted input),
error parameters are turned into the text form the knowledge base recognises, PKCE rules
are checked against RFC 7636, and every value that may be a credential is shown only as
a redaction marker, so no analyzer can leak a secret into a report by accident.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote_plus, urlsplit

from authdoctor.redact import JWT_PATTERN, SECRET_KINDS, marker

MAX_PARAMS = 200
MAX_VALUE = 16_384

ERROR_KEYS = ("error", "error_description", "error_uri", "error_codes", "error_subcode", "suberror",
              "trace_id", "correlation_id", "timestamp")
CALLBACK_KEYS = frozenset({"code", "error", "id_token", "access_token", "state", "session_state", "iss"})
STANDARD_SCOPES = frozenset({"openid", "profile", "email", "offline_access", "address", "phone"})
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
GRAPH_AUDIENCES = frozenset({GRAPH_APP_ID, "https://graph.microsoft.com", "https://graph.microsoft.com/",
                             "https://graph.microsoft.us", "https://dod-graph.microsoft.us",
                             "https://microsoftgraph.chinacloudapi.cn"})

_JWT = re.compile(JWT_PATTERN + "$")
_PKCE_CHARS = re.compile(r"^[A-Za-z0-9._~-]*$")
_AADSTS = re.compile(r"\bAADSTS\d{4,7}\b")


def parse_params(text: str) -> dict[str, str]:
    """``a=1&b=2`` to a dict (first value wins), at most ``MAX_PARAMS`` pairs, values capped."""
    out: dict[str, str] = {}
    if not text:
        return out
    for part in text.split("&", MAX_PARAMS)[:MAX_PARAMS]:
        if not part:
            continue
        name, _, value = part.partition("=")
        key = unquote_plus(name[:200]).strip()
        if key and key not in out:
            out[key] = unquote_plus(value[: MAX_VALUE * 3])[:MAX_VALUE]
    return out


def duplicate_params(text: str) -> list[str]:
    """Names that occur more than once: providers reject duplicated OAuth parameters."""
    seen: set[str] = set()
    dup: list[str] = []
    for part in text.split("&", MAX_PARAMS)[:MAX_PARAMS]:
        key = unquote_plus(part.partition("=")[0][:200]).strip()
        if key in seen and key not in dup:
            dup.append(key)
        seen.add(key)
    return dup


@dataclass
class Url:
    """A URL split into what the analyzers compare: origin, path and both parameter sets."""

    raw: str
    scheme: str
    host: str
    port: int | None
    path: str
    query: dict[str, str] = field(default_factory=dict)
    fragment: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        default = {"http": 80, "https": 443}.get(self.scheme)
        port = f":{self.port}" if self.port and self.port != default else ""
        return f"{self.scheme}://{self.host}{port}"

    @property
    def base(self) -> str:
        """Origin and path: what a redirect URI is compared by."""
        return self.origin + self.path

    @property
    def params(self) -> dict[str, str]:
        return {**self.query, **self.fragment}


def split_url(raw: str) -> Url | None:
    """Parse an absolute URL; ``None`` when it is not one."""
    try:
        parts = urlsplit(raw.strip())
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    return Url(raw=raw, scheme=parts.scheme.lower(), host=(parts.hostname or "").lower(), port=port,
               path=parts.path or "/", query=parse_params(parts.query), fragment=parse_params(parts.fragment))


def same_redirect(a: str, b: str) -> bool:
    """Redirect URIs compare exactly except for scheme/host case and a default port."""
    ua, ub = split_url(a), split_url(b)
    if ua is None or ub is None:
        return a == b
    return ua.base == ub.base


def error_text(params: dict[str, str]) -> str | None:
    """The error parameters as one ``error=…&error_description=…`` line for the knowledge base."""
    desc = params.get("error_description", "")
    if "error" not in params and not _AADSTS.search(desc):
        return None
    parts = [f"{k}={params[k]}" for k in ERROR_KEYS if k in params]
    text = "&".join(parts)
    codes = params.get("error_codes", "")
    for code in re.findall(r"\d{4,7}", codes)[:5]:
        if f"AADSTS{code}" not in text:
            text += f" AADSTS{code}"
    return text


def is_jwt(value: str) -> bool:
    return bool(_JWT.match(value))


def show(name: str, value: str, width: int = 80) -> str:
    """A parameter value as it may appear in a report: credentials become markers."""
    kind = SECRET_KINDS.get(name.lower())
    if kind is not None and value and not value.startswith("<"):
        return marker("jwt" if is_jwt(value) else kind, value)
    if is_jwt(value):
        return marker("jwt", value)
    return short(value, width)


def short(value: str, width: int = 80) -> str:
    value = value.replace("\n", " ").replace("\r", " ")
    return value if len(value) <= width else value[: width - 1] + "…"


def show_params(params: dict[str, str], keys: tuple[str, ...] | None = None, width: int = 80) -> dict[str, str]:
    """Display-safe copy of ``params`` (optionally only ``keys``, in that order)."""
    names = [k for k in keys if k in params] if keys is not None else list(params)
    return {k: show(k, params[k], width) for k in names}


def b64url_decode(segment: str) -> bytes:
    """Strict base64url (RFC 7515 §2): no padding needed, no other alphabet accepted."""
    if not re.fullmatch(r"[A-Za-z0-9_-]*", segment):
        raise ValueError("characters outside the base64url alphabet")
    if len(segment) % 4 == 1:
        raise ValueError("impossible base64url length")
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def s256(verifier: str) -> str:
    """The S256 code challenge of ``verifier`` (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def pkce_challenge_problems(challenge: str, method: str | None) -> list[tuple[str, bool]]:
    """What is wrong with a code_challenge / code_challenge_method pair (RFC 7636 §4.2-4.3), each
    with ``strong``: ``True`` when the pair breaks the RFC (the provider refuses it), ``False``
    when it is only weaker than what providers usually demand (missing or ``plain`` method)."""
    problems: list[tuple[str, bool]] = []
    m = method or "plain"
    if m not in ("S256", "plain"):
        problems.append((f"code_challenge_method {m!r} is not valid: use S256 (or plain)", True))
    if method is None:
        problems.append(("code_challenge_method is missing, so the provider assumes 'plain'; "
                         "most providers require S256", False))
    elif m == "plain":
        problems.append(("code_challenge_method is 'plain': providers that require PKCE usually demand S256", False))
    if not 43 <= len(challenge) <= 128:
        problems.append((f"code_challenge is {len(challenge)} characters; it must be 43–128", True))
    elif m == "S256" and len(challenge) != 43:
        problems.append((f"an S256 code_challenge is exactly 43 characters, this one has {len(challenge)}", True))
    if not _PKCE_CHARS.match(challenge):
        problems.append(("code_challenge has characters outside A–Z a–z 0–9 - . _ ~ (base64 '+', '/' or '=' "
                         "instead of base64url?)", True))
    return problems


def pkce_verifier_problems(verifier: str) -> list[str]:
    problems: list[str] = []
    if not 43 <= len(verifier) <= 128:
        problems.append(f"code_verifier is {len(verifier)} characters; it must be 43–128")
    if not _PKCE_CHARS.match(verifier):
        problems.append("code_verifier has characters outside A–Z a–z 0–9 - . _ ~")
    return problems


def scope_list(scope: str) -> list[str]:
    return [s for s in re.split(r"[\s+,]+", scope.strip()) if s][:100]


def scope_resources(scopes: list[str]) -> set[str]:
    """Resources that URL-shaped scopes (``https://outlook.office.com/IMAP.AccessAsUser.All``) name."""
    out: set[str] = set()
    for s in scopes:
        if "://" in s:
            u = split_url(s)
            if u is not None:
                out.add(u.origin)
        elif s.lower().startswith("api://"):
            out.add(s.rsplit("/", 1)[0])
    return out


def mixed_resources(scopes: list[str], microsoft: bool) -> set[str]:
    """Several resources in one Microsoft request (AADSTS28000/28003/70011): returns them."""
    res = scope_resources(scopes)
    if microsoft:
        short_ones = [s for s in scopes if "://" not in s and "." in s and s.lower() not in STANDARD_SCOPES]
        if short_ones:  # bare names such as User.Read or Mail.Read belong to Microsoft Graph
            res.add("https://graph.microsoft.com")
    return res if len(res) > 1 else set()


_PROVIDER_HOSTS: list[tuple[str, str]] = [
    (r"(^|\.)login\.microsoftonline\.(com|us)$|(^|\.)login\.windows\.net$|(^|\.)sts\.windows\.net$|"
     r"(^|\.)login\.live\.com$|(^|\.)b2clogin\.com$|(^|\.)login\.chinacloudapi\.cn$|"
     r"(^|\.)login\.partner\.microsoftonline\.cn$|(^|\.)microsoftonline\.com$", "microsoft"),
    (r"(^|\.)accounts\.google\.com$|(^|\.)oauth2\.googleapis\.com$|(^|\.)openidconnect\.googleapis\.com$", "google"),
    (r"(^|\.)(okta|oktapreview|okta-emea)\.com$", "okta"),
    (r"(^|\.)auth0\.com$", "auth0"),
    (r"(^|\.)github\.com$", "github"),
    (r"(^|\.)snowflakecomputing\.com$", "snowflake"),
]


def provider_for(host_or_url: str) -> str | None:
    """The identity provider a host (or URL, or issuer) belongs to, by its domain or path."""
    text = host_or_url.lower()
    u = split_url(text) if "://" in text else None
    host = u.host if u else text.split("/")[0]
    for rx, name in _PROVIDER_HOSTS:
        if re.search(rx, host):
            return name
    path = u.path if u else ""
    if "/realms/" in path or "/auth/realms/" in path:
        return "keycloak"
    return None


def cloud_for(host_or_url: str) -> str | None:
    """Microsoft national cloud named by a host: the KB's ``cloud`` fact."""
    text = host_or_url.lower()
    if re.search(r"microsoftonline\.us|office365\.us|graph\.microsoft\.us|\.usgovcloudapi\.net", text):
        return "gcc-high"
    if re.search(r"chinacloudapi\.cn|microsoftonline\.cn|partner\.outlook\.cn", text):
        return "china"
    return None


def looks_server_side(path: str) -> bool:
    """Callback paths of server-rendered web apps, which never see a URL fragment."""
    p = path.lower()
    return bool(re.search(r"/plugins/servlet/|/rest/|\.jsp$|\.php$|\.aspx$|/signin-oidc|/login/oauth2/code/|"
                          r"/oauth2?/callback|/__oauth__/|/j_security_check|/sso/|/saml/|/auth/callback", p))


def is_localhost(host: str) -> bool:
    return host in ("localhost", "127.0.0.1", "::1", "[::1]") or host.endswith(".localhost")


# --- time -----------------------------------------------------------------------------------


def duration(seconds: float) -> str:
    """``3 h 12 min``: coarse, readable, never more than two units."""
    s = abs(int(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        m, r = divmod(s, 60)
        return f"{m} min {r} s" if r and m < 10 else f"{m} min"
    if s < 86400:
        h, r = divmod(s, 3600)
        return f"{h} h {r // 60} min" if r // 60 else f"{h} h"
    d, r = divmod(s, 86400)
    return f"{d} d {r // 3600} h" if r // 3600 else f"{d} d"


def when(ts: float, now: float) -> str:
    """Absolute UTC time and how far from ``now``: ``2024-05-02 10:15:30 UTC (3 h ago)``."""
    try:
        absolute = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        return f"{ts} (not a valid time)"
    delta = ts - now
    rel = "now" if abs(delta) < 1 else (f"in {duration(delta)}" if delta > 0 else f"{duration(delta)} ago")
    return f"{absolute} ({rel})"
