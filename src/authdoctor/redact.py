"""Removes secrets from any text before it leaves the process.

A secret is replaced by a marker that keeps its kind and a short fingerprint
(``<client_secret:…a41f>``): enough to tell two secrets apart or match one against the
value an administrator holds, never enough to use it. Patterns run on RE2 (linear time)
because evidence is untrusted; markers never match a pattern again, so redaction is
idempotent and every renderer can apply it once more as a last line of defence.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from authdoctor.match.safe_regex import compile_safe

#: parameter name (lower case) -> marker kind: the one table of names whose values are
#: credentials. ``redact`` builds its patterns from it; the evidence analyzers
#: (``evidence._oauth.show``) and the HAR sanitizer look parameter names up in it.
SECRET_KINDS: dict[str, str] = {
    "code": "authorization_code",
    "access_token": "access_token",
    "refresh_token": "refresh_token",
    "id_token": "id_token",
    "id_token_hint": "id_token",
    "logout_token": "id_token",
    "subject_token": "subject_token",
    "actor_token": "actor_token",
    "token": "token",
    "client_secret": "client_secret",
    "clientsecret": "client_secret",
    "secret": "client_secret",
    "client_assertion": "client_assertion",
    "assertion": "assertion",
    "code_verifier": "code_verifier",
    "device_code": "device_code",
    "user_code": "user_code",
    "password": "password",
    "passwd": "password",
    "pwd": "password",
    "passphrase": "password",
    "loginfmt_password": "password",
    "otp": "password",
    "pin": "password",
    "api_key": "api_key",
    "apikey": "api_key",
    "x-api-key": "api_key",
    "private_key": "private_key",
    "samlresponse": "saml",
    "samlrequest": "saml",
    "relaystate": "relay_state",
    "flowtoken": "session",
    "ctx": "session",
    "csrf_token": "csrf",
    "_csrf": "csrf",
    "authenticity_token": "csrf",
}

#: Names left out of the name-based text patterns because they have a rule of their own:
#: ``code`` is redacted as a URL/form parameter only — as a JSON key or in prose
#: (``"code": "InvalidAuthenticationToken"``, ``status code: 401``) it is diagnostic text.
_OWN_RULE = frozenset({"code"})

SECRET_PARAMS = "|".join(sorted((n for n in SECRET_KINDS if n not in _OWN_RULE), key=lambda n: (-len(n), n)))

#: A compact JWS/JWE (``eyJ…``), unanchored; ``evidence._oauth.is_jwt`` anchors it.
JWT_PATTERN = r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*"


def fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[-4:]


def marker(kind: str, value: str) -> str:
    return f"<{kind}:…{fingerprint(value)}>"


def _kind_for(name: str) -> str:
    n = name.lower()
    return SECRET_KINDS.get(n, n)


# (pattern, handler). Handlers get the match and return the replacement text.
Rule = tuple[str, Callable[[Any], str]]


def _keep_prefix(kind: str, group: int = 2) -> Callable[[Any], str]:
    def repl(m: Any) -> str:
        whole: str = m.group(0)
        val: str = m.group(group)
        start = m.start(group) - m.start(0)
        return whole[:start] + marker(kind, val) + whole[start + len(val) :]

    return repl


def _named(m: Any) -> str:
    whole: str = m.group(0)
    val: str = m.group(2)
    start = m.start(2) - m.start(0)
    return whole[:start] + marker(_kind_for(m.group(1)), val) + whole[start + len(val) :]


def _cookie_header(prefix: str, body: str) -> str:
    """Redact every value of a Cookie/Set-Cookie header, keeping the names."""
    pairs = []
    for part in body.split(";"):
        name, sep, value = part.partition("=")
        v = value.strip()
        if sep and v and not v.startswith("<"):
            pairs.append(f"{name}={marker('cookie', v)}")
        else:
            pairs.append(part)
    return prefix + ";".join(pairs)


RULES: list[Rule] = [
    (r"-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----[A-Za-z0-9+/=\s:,-]*?-----END [A-Z ]{0,40}PRIVATE KEY-----",
     lambda m: marker("private_key", m.group(0))),
    (r"-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----[A-Za-z0-9+/=\s]{16,}", lambda m: marker("private_key", m.group(0))),
    (rf"\b{JWT_PATTERN}", lambda m: marker("jwt", m.group(0))),
    (r"(?i)\b(bearer)\s+([A-Za-z0-9._~+/=-]{8,})", _keep_prefix("bearer_token")),
    (r"(?i)\b(authorization\s*[:=]\s*\"?basic)\s+([A-Za-z0-9+/=]{6,})", _keep_prefix("basic_auth")),
    (r"(?i)\b(authenticate\s+xoauth2)\s+([A-Za-z0-9+/=]{12,})", _keep_prefix("xoauth2")),
    (r"(?i)(^|[\r\n]|\b)((?:set-)?cookie\s*:\s*)([^\r\n]+)",
     lambda m: m.group(1) + _cookie_header(m.group(2), m.group(3))),
    (r"(?i)\b(JSESSIONID|AWSALB|AWSALBCORS|ROUTEID|BIGipServer[\w.-]{0,60}|seraph\.[\w.]{1,40}|"
     r"atlassian\.xsrf\.token|connect\.sid|\.AspNetCore\.[\w.]{1,60}|sessionid|session_id|SAMLSession|"
     r"KEYCLOAK_IDENTITY|KEYCLOAK_SESSION|AUTH_SESSION_ID)=([^;,\s\"'<>&]+)", _keep_prefix("cookie")),
    (rf"(?i)\\?\"({SECRET_PARAMS})\\?\"\s*:\s*\\?\"([^\"<\\…][^\"\\]*)", _named),
    (rf"(?i)(?:^|[?&#;\s,({{\"'])({SECRET_PARAMS})=([^&\s\"'<>,;…]+)", _named),
    (r"(?i)(?:^|[?&#])(code)=([^&\s\"'<>#]{4,})", _keep_prefix("authorization_code")),
    (rf"(?i)\b({SECRET_PARAMS})\s*[:=]\s*([^\s,;\"'<>&…]{{3,}})", _named),
    (r"(?i)\b([a-z][a-z0-9+.-]{1,20}://[^/\s:@]{1,200}:)([^@\s/<…]{1,200})@", _keep_prefix("password")),
    (r"\b([A-Za-z0-9_-]{3}[0-9]Q~)([A-Za-z0-9_.~-]{30,40})", lambda m: marker("client_secret", m.group(0))),
]


_COMPILED = [(compile_safe(p), fn) for p, fn in RULES]


def redact(text: str) -> str:
    """Replace every secret in ``text`` by a marker; safe to call repeatedly."""
    if not text:
        return text
    for rx, fn in _COMPILED:
        text = rx.sub(fn, text)
    return text


def redact_obj(value: Any) -> Any:
    """Redact every string inside a JSON-like structure."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redact_obj(v) for v in value]
    if isinstance(value, dict):
        return {k: redact_obj(v) for k, v in value.items()}
    return value
