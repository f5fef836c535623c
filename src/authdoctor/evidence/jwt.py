"""Tokens pasted as evidence: JWTs decoded without verification, JWE and opaque tokens
recognised and explained.

Decoding needs no key: header and claims are base64url JSON. What a token *says* often
explains a failure on its own — an audience of Microsoft Graph that the application tries
to validate itself (seed 002's Posit "JWT signature does not match"), an expiry in the
past, an issuer of the other token version. Signature checks live in ``jose_verify``.
The raw token never leaves this module: reports show claims and a fingerprint only.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from authdoctor.errors import InputError
from authdoctor.evidence import _claims
from authdoctor.evidence._oauth import GRAPH_AUDIENCES, b64url_decode, cloud_for, duration, provider_for, when
from authdoctor.extract.facts import Facts
from authdoctor.extract.kinds import Analysis, register
from authdoctor.redact import marker
from authdoctor.sources.open import Document

MAX_TOKEN = 64 * 1024
CLOCK_TOLERANCE = 60  # seconds of skew below which times in the future are not worth a word

Cause = tuple[str, float, str]

_OPAQUE: list[tuple[str, str]] = [
    ("ya29.", "a Google OAuth access token: opaque, only Google APIs (and oauth2.googleapis.com/tokeninfo) can "
              "check it; it lives one hour and cannot be validated by your own application"),
    ("1//", "a Google refresh token: opaque, redeemable only at Google's token endpoint by the same client"),
    ("gho_", "a GitHub OAuth App user token: opaque and without expiry; GitHub OAuth Apps never issue refresh "
             "tokens (a GitHub App does)"),
    ("ghu_", "a GitHub App user-to-server token: opaque, expires after 8 hours and comes with a refresh token"),
    ("ghr_", "a GitHub App refresh token"),
    ("ghs_", "a GitHub App installation token (server-to-server), valid for one hour"),
    ("ghp_", "a GitHub classic personal access token, not an OAuth token"),
    ("github_pat_", "a GitHub fine-grained personal access token, not an OAuth token"),
    ("EwA", "a Microsoft consumer-account (MSA) access token: encrypted and readable only by the Microsoft "
            "service it was issued for; no third party can decode or validate it"),
    ("EwB", "a Microsoft consumer-account (MSA) access token: encrypted and readable only by the Microsoft "
            "service it was issued for; no third party can decode or validate it"),
    ("EwC", "a Microsoft consumer-account (MSA) access token: encrypted and readable only by the Microsoft "
            "service it was issued for; no third party can decode or validate it"),
    ("M.C", "a Microsoft consumer-account refresh token: opaque"),
    ("0.A", "a Microsoft Entra refresh token: opaque, only Entra's token endpoint can redeem it"),
    ("1.A", "a Microsoft Entra refresh token: opaque, only Entra's token endpoint can redeem it"),
]


class TokenError(InputError):
    """The text is not a token that can be decoded; the message says which part is wrong."""


@dataclass
class Decoded:
    """One token as read without verification."""

    kind: str  # jws | jwe | opaque
    size: int
    fingerprint: str
    header: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)
    signature_len: int = 0
    opaque_meaning: str | None = None


def extract_token(text: str) -> str:
    """The token in ``Authorization: Bearer <t>``, ``Bearer <t>``, ``"<t>"`` or bare."""
    t = text.strip()
    t = re.sub(r"^(?i:authorization)\s*:\s*", "", t)
    t = re.sub(r"^(?i:bearer)\s+", "", t)
    return t.strip().strip("\"'").strip()


def _json_segment(segment: str, what: str) -> dict[str, Any]:
    try:
        raw = b64url_decode(segment)
    except (ValueError, TypeError) as exc:
        raise TokenError(f"not a readable JWT: the {what} segment is not valid base64url ({exc})") from None
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise TokenError(f"not a readable JWT: the {what} segment does not decode to JSON") from None
    if not isinstance(value, dict):
        raise TokenError(f"not a readable JWT: the {what} segment is JSON but not an object")
    return value


def decode(text: str) -> Decoded:
    """Read a token without verifying it; raises ``TokenError`` with the reason it cannot."""
    token = extract_token(text)
    if not token:
        raise TokenError("no token given")
    if len(token) > MAX_TOKEN:
        raise TokenError(f"{len(token)} characters is longer than any real token ({MAX_TOKEN} at most): "
                         "is this the right text?")
    if re.search(r"\s", token):
        raise TokenError("a token has no spaces or line breaks: paste exactly one token")
    fp = marker("token", token)
    parts = token.split(".")
    if not token.startswith("eyJ"):
        if len(parts) in (3, 5) and all(parts[:2]):
            _json_segment(parts[0], "header")  # raises a clear message for garbage
        return Decoded(kind="opaque", size=len(token), fingerprint=fp, opaque_meaning=_opaque_meaning(token))
    if len(parts) not in (3, 5):
        raise TokenError(f"not a readable JWT: it has {len(parts)} dot-separated segments; a signed JWT has 3 "
                         "and an encrypted one (JWE) has 5 — was it cut when copied?")
    header = _json_segment(parts[0], "header")
    if len(parts) == 5 or "enc" in header:
        return Decoded(kind="jwe", size=len(token), fingerprint=marker("jwe", token), header=header)
    claims = _json_segment(parts[1], "claims (payload)")
    try:
        sig_len = len(b64url_decode(parts[2]))
    except ValueError as exc:
        raise TokenError(f"not a readable JWT: the signature segment is not valid base64url ({exc})") from None
    return Decoded(kind="jws", size=len(token), fingerprint=marker("jwt", token), header=header, claims=claims,
                   signature_len=sig_len)


def _opaque_meaning(token: str) -> str:
    for prefix, text in _OPAQUE:
        if token.startswith(prefix):
            return text
    return ("an opaque token: not a JWT, so only its issuer can tell what it means (token introspection, "
            "RFC 7662, or the provider's userinfo endpoint); a resource server cannot validate it locally")


def vendor_of(claims: dict[str, Any], header: dict[str, Any]) -> str | None:
    iss = str(claims.get("iss", ""))
    v = provider_for(iss) if iss else None
    if v is None and ("tid" in claims or "oid" in claims):
        return "microsoft"
    if v is None and ("cid" in claims and "uid" in claims):
        return "okta"
    return v


def role_of(d: Decoded, vendor: str | None) -> str:
    """ID token, access token, refresh/logout token: told apart by their claims."""
    c, h = d.claims, d.header
    typ = str(h.get("typ", "")).lower()
    ktyp = str(c.get("typ", "")).lower()
    if "events" in c:
        return "logout token"
    if typ in ("at+jwt", "application/at+jwt") or ktyp == "bearer":
        return "access token"
    if ktyp == "refresh":
        return "refresh token"
    if ktyp == "id":
        return "ID token"
    if any(k in c for k in ("scp", "scope", "roles", "cid")) and "nonce" not in c:
        return "access token"
    if vendor == "microsoft" and ("appid" in c or "azpacr" in c or "appidacr" in c):
        return "access token"
    if any(k in c for k in ("nonce", "at_hash", "c_hash", "auth_time")) or (
        "aud" in c and "azp" in c and c.get("aud") == c.get("azp")
    ):
        return "ID token"
    return "JWT"


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        text = value
    elif isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        text = ", ".join(str(v) for v in value)
    else:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= 240 else text[:239] + "…"


def audiences(claims: dict[str, Any]) -> list[str]:
    aud = claims.get("aud")
    if isinstance(aud, str):
        return [aud]
    if isinstance(aud, list):
        return [str(a) for a in aud[:50]]
    return []


def is_graph_token(d: Decoded) -> bool:
    """A Microsoft Graph access token: its audience is Graph, or its header carries a nonce."""
    return bool(set(audiences(d.claims)) & GRAPH_AUDIENCES) or "nonce" in d.header


def time_claim(claims: dict[str, Any], name: str) -> float | None:
    """A NumericDate claim (``exp``, ``nbf``, ``iat``) as seconds; ``None`` when absent or not a number."""
    v = claims.get(name)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


@dataclass
class TokenReport:
    """What the token shows: a displayable description, causes and facts."""

    flow: dict[str, Any]
    causes: list[Cause] = field(default_factory=list)
    facts: Facts = field(default_factory=Facts)


def _rsa_bits(header: dict[str, Any]) -> int | None:
    """Size of an RSA key embedded in the header (``jwk`` or first ``x5c`` certificate)."""
    jwk = header.get("jwk")
    if isinstance(jwk, dict) and jwk.get("kty") == "RSA" and isinstance(jwk.get("n"), str):
        try:
            return int.from_bytes(b64url_decode(jwk["n"]), "big").bit_length()
        except ValueError:
            return None
    x5c = header.get("x5c")
    if isinstance(x5c, list) and x5c and isinstance(x5c[0], str):
        import base64

        from cryptography import x509
        from cryptography.hazmat.primitives.asymmetric import rsa

        try:
            cert = x509.load_der_x509_certificate(base64.b64decode(x5c[0]))
        except ValueError:
            return None
        key = cert.public_key()
        return key.key_size if isinstance(key, rsa.RSAPublicKey) else None
    return None


def describe(d: Decoded, source: str, now: float | None = None) -> TokenReport:
    """Header and claims with explanations, and the problems the token shows by itself."""
    now = time.time() if now is None else now
    if d.kind == "opaque":
        return TokenReport(flow={
            "kind": "jwt", "source": source, "token": d.fingerprint, "format": "opaque",
            "summary": f"Opaque token, {d.size} characters: {d.opaque_meaning}.", "header": [], "claims": [],
            "problems": [],
        })
    if d.kind == "jwe":
        alg, enc = d.header.get("alg", "?"), d.header.get("enc", "?")
        nested = " It wraps a nested JWT (cty JWT)." if str(d.header.get("cty", "")).upper() == "JWT" else ""
        summary = (f"Encrypted token (JWE, key algorithm {alg}, content encryption {enc}), {d.size} characters. "
                   "Its claims can only be read with the recipient's private key: if your application is that "
                   "recipient (e.g. ID-token encryption configured at the provider), it needs the decryption key "
                   "configured; if the token is an access token for someone else's API, your application is not "
                   f"meant to read it at all.{nested}")
        header = [{"name": k, "value": _as_text(v), "meaning": _claims.HEADER.get(k, "")} for k, v in d.header.items()]
        return TokenReport(flow={"kind": "jwt", "source": source, "token": d.fingerprint, "format": "jwe",
                                 "summary": summary, "header": header, "claims": [], "problems": []})
    vendor = vendor_of(d.claims, d.header)
    role = role_of(d, vendor)
    rep = TokenReport(flow={})
    problems: list[str] = []
    header_rows = [{"name": k, "value": _as_text(v), "meaning": _claims.HEADER.get(k, "")}
                   for k, v in list(d.header.items())[:50]]
    rows: list[dict[str, str]] = []
    for name, value in list(d.claims.items())[:200]:
        shown = _as_text(value)
        t = time_claim(d.claims, name) if name in _claims.TIME_CLAIMS else None
        if t is not None:
            shown = when(t, now)
        rows.append({"name": name, "value": shown, "meaning": _claims.meaning(name, vendor)})
    iss = str(d.claims.get("iss", ""))
    alg = str(d.header.get("alg", ""))
    if alg.lower() == "none":
        reason = "the token is unsigned (alg none): no validator may accept it"
        problems.append(reason)
        rep.causes.append(("token_signature_invalid", 0.6, reason))
    if is_graph_token(d) and role == "access token":
        why = ("it is a Microsoft Graph access token (aud "
               f"{', '.join(audiences(d.claims)) or '?'}{', nonce in its header' if 'nonce' in d.header else ''}): "
               "only Microsoft Graph can validate its signature, so an application that verifies it itself fails "
               "with a signature error (Posit Connect: 'JWT signature does not match locally computed signature'); "
               "request a scope of your own API (api://<app id>/.default) instead of Graph scopes for that purpose")
        problems.append(why)
        rep.causes.append(("token_wrong_audience", 0.85, f"The token shows: {why}"))
    exp, nbf, iat = (time_claim(d.claims, k) for k in ("exp", "nbf", "iat"))
    if exp is not None and exp < now:
        why = (f"the token expired {duration(now - exp)} ago ({when(exp, now)}); if it was presented after that, it "
               "is refused")
        problems.append(why)
        rep.causes.append(("token_expired", 0.35, f"The token shows: {why}"))
    for name, t in (("nbf", nbf), ("iat", iat)):
        if t is not None and t > now + CLOCK_TOLERANCE:
            why = (f"{name} is {duration(t - now)} in the future: the issuer's clock is ahead of this machine's (or "
                   f"this one is behind); a validator needs at least {duration(t - now)} of clock skew to accept it")
            problems.append(why)
            rep.causes.append(("clock_skew", 0.5, f"The token shows: {why}"))
            break
    if exp is not None and iat is not None and exp <= iat:
        problems.append("exp is not after iat: the token was born expired")
    if exp is None and role in ("access token", "ID token"):
        problems.append("no exp claim: most validators refuse tokens without an expiry")
    bits = _rsa_bits(d.header)
    if bits is not None and bits < 2048:
        why = (f"the key embedded in the token header is RSA {bits} bits; Entra ID and most validators refuse keys "
               "below 2048 bits (WeakRsaKey)")
        problems.append(why)
        rep.causes.append(("signing_key_weak", 0.7, f"The token shows: {why}"))
    if "jku" in d.header or "jwk" in d.header:
        problems.append("the header names its own key (jku/jwk): a validator must ignore it and use the issuer's JWKS")
    ver = str(d.claims.get("ver", ""))
    if vendor == "microsoft" and ver == "1.0" and role == "access token":
        problems.append("a v1.0 Microsoft token (issuer sts.windows.net/<tenant>/): an API configured for the v2.0 "
                        "issuer rejects it — set accessTokenAcceptedVersion to 2 in the API's manifest, or accept both")
    if "hasgroups" in d.claims or "_claim_names" in d.claims:
        problems.append("group overage: the user is in too many groups to list them in the token; read them from Graph")
    if vendor:
        rep.facts.set("provider", vendor, "token issuer")
    cloud = cloud_for(iss)
    if cloud:
        rep.facts.set("cloud", cloud, "token issuer")
    name = {"microsoft": "Microsoft Entra ID", "google": "Google", "okta": "Okta", "keycloak": "Keycloak",
            "auth0": "Auth0", "github": "GitHub"}.get(vendor or "", iss or "an unknown issuer")
    version = f" (v{ver})" if vendor == "microsoft" and ver else ""
    aud = ", ".join(audiences(d.claims)) or "no audience"
    summary = f"{role} from {name}{version}, for {aud}, signed with {alg or 'no algorithm'}"
    if exp is not None:
        summary += f"; {'expired' if exp < now else 'expires'} {when(exp, now)}"
    rep.flow = {"kind": "jwt", "source": source, "token": d.fingerprint, "format": "jws", "role": role,
                "vendor": vendor, "summary": summary + ".", "header": header_rows, "claims": rows,
                "problems": problems}
    return rep


# --- kind registration ------------------------------------------------------------------------

_WORD = re.compile(rb"^\s*(?:(?i:authorization)\s*:\s*)?(?:(?i:bearer)\s+)?[\"']?(\S+?)[\"']?\s*$")
_KNOWN_OPAQUE = tuple(p.encode() for p, _ in _OPAQUE if p not in ("0.A", "1.A", "M.C", "1//"))


def sniff(head: bytes) -> bool:
    """One token alone: a JWT/JWE (starts ``eyJ``) or an opaque token of a known shape."""
    m = _WORD.match(head)
    if m is None:
        return False
    word = m.group(1)
    if word.startswith(b"eyJ") and b"." in word and b"://" not in word and b"=" not in word.rstrip(b"="):
        return True
    bearer = re.match(rb"^\s*(?:(?i:authorization)\s*:\s*)?(?i:bearer)\s+\S", head) is not None
    return bearer or (len(word) >= 20 and word.startswith(_KNOWN_OPAQUE))


def analyze(doc: Document) -> Analysis:
    with doc.open() as stream:
        raw = stream.read(MAX_TOKEN + 64)
    out = Analysis()
    text = raw.decode("utf-8", "replace")
    try:
        decoded = decode(text)
    except TokenError as exc:
        out.notes.append(f"{doc.name}: {exc}")
        return out
    rep = describe(decoded, doc.name)
    out.flows.append(rep.flow)
    out.causes.extend(rep.causes)
    out.facts.merge(rep.facts)
    return out


register("jwt", sniff, analyze)
