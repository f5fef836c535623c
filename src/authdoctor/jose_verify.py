"""Verifies a JWT against a key source and explains every failure on its own.

Signature verification and key import are joserfc's (no hand-written crypto here); this
module decides *which* checks to run and words the outcome the way a person debugging a
sign-in needs it: an unknown ``kid`` is either stale cached keys or keys of another
issuer, an expiry comes with the clock skew that would have accepted it, ``HS256`` with a
public key is the HS/RS confusion, an RSA key below 2048 bits is Entra's WeakRsaKey.

Key sources: a JWKS (file, inline JSON or http(s) URL — also an OpenID discovery URL),
a PEM public key, private key or certificate, or a shared secret. URLs are fetched with
httpx with a bounded time-out, redirect count and size.
"""

from __future__ import annotations

import json
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from authdoctor.errors import InputError
from authdoctor.evidence._oauth import duration, provider_for, split_url, when
from authdoctor.evidence.jwt import Decoded, audiences, decode, is_graph_token, time_claim

FETCH_TIMEOUT = 5.0
MAX_FETCH_BYTES = 1 << 20
MAX_KEYS = 100
MIN_RSA_BITS = 2048

_FAMILY = {"HS": "oct", "RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}


class KeySourceError(InputError):
    """The key source cannot be read: missing file, unreachable URL, not a key."""


@dataclass
class Check:
    """One verification step: what was checked, whether it passed, and the cause if not."""

    name: str
    ok: bool
    message: str
    cause: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"check": self.name, "ok": self.ok, "message": self.message, "cause": self.cause}


@dataclass
class KeySource:
    jwks: str | None = None  # URL, file path or JSON text
    pem: str | None = None  # file path or PEM text: public key, private key or certificate
    secret: str | None = None  # HMAC shared secret

    @property
    def given(self) -> bool:
        return bool(self.jwks or self.pem or self.secret)


@dataclass
class Expect:
    issuer: str | None = None
    audience: str | None = None
    nonce: str | None = None
    algorithms: list[str] | None = None
    leeway: int = 0
    now: float | None = None


@dataclass
class LoadedKey:
    key: Any  # a joserfc Key
    kid: str | None
    alg: str | None
    kty: str
    bits: int | None
    issuer: str | None = None
    x5t: str | None = None


@dataclass
class LoadedKeys:
    keys: list[LoadedKey]
    origin: str
    url: str | None = None
    notes: list[str] = field(default_factory=list)


# --- loading keys -----------------------------------------------------------------------------


def fetch_json(url: str, timeout: float = FETCH_TIMEOUT, max_bytes: int = MAX_FETCH_BYTES) -> Any:
    """GET ``url`` and parse JSON; bounded in time, redirects and size."""
    import httpx

    u = split_url(url)
    if u is None or u.scheme not in ("http", "https"):
        raise KeySourceError(f"{url}: only http(s) URLs can be fetched")
    try:
        with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=True, max_redirects=3) as client, \
                client.stream("GET", url, headers={"Accept": "application/json"}) as resp:
            if resp.status_code != 200:
                raise KeySourceError(f"{url}: HTTP {resp.status_code} (expected 200 with a JSON key set)")
            body = bytearray()
            for chunk in resp.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise KeySourceError(f"{url}: response larger than {max_bytes >> 10} KiB; not a key set")
    except httpx.TimeoutException:
        raise KeySourceError(f"{url}: no answer within {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise KeySourceError(f"{url}: cannot fetch ({type(exc).__name__}: {str(exc)[:120]})") from None
    try:
        return json.loads(bytes(body))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise KeySourceError(f"{url}: the response is not JSON") from None


def _read_source(value: str, what: str) -> str:
    """A file's content, or the value itself when it is inline text."""
    stripped = value.strip()
    if stripped.startswith(("{", "-----BEGIN")):
        return stripped
    path = Path(value)
    if not path.is_file():
        raise KeySourceError(f"{value}: no such {what} file")
    if path.stat().st_size > MAX_FETCH_BYTES:
        raise KeySourceError(f"{value}: larger than {MAX_FETCH_BYTES >> 10} KiB; not a {what}")
    return path.read_text(encoding="utf-8", errors="replace")


def _import_jwk(data: dict[str, Any]) -> LoadedKey:
    from joserfc.jwk import JWKRegistry

    with warnings.catch_warnings():  # joserfc warns on weak keys; we report them ourselves
        warnings.simplefilter("ignore")
        key = JWKRegistry.import_key(data)
    return _loaded(key, data.get("kid"), data.get("alg"), data.get("issuer"), data.get("x5t"))


def _loaded(key: Any, kid: Any = None, alg: Any = None, issuer: Any = None, x5t: Any = None) -> LoadedKey:
    bits: int | None = None
    raw: Any = getattr(key, "raw_value", None)
    if key.key_type == "RSA" and raw is not None:
        bits = int(raw.key_size)
    elif key.key_type == "oct" and isinstance(raw, bytes):
        bits = len(raw) * 8
    return LoadedKey(key=key, kid=str(kid) if kid else None, alg=str(alg) if alg else None, kty=key.key_type,
                     bits=bits, issuer=str(issuer) if issuer else None, x5t=str(x5t) if x5t else None)


def _keys_from_json(data: Any, origin: str) -> list[LoadedKey]:
    if isinstance(data, dict) and isinstance(data.get("keys"), list):
        items = data["keys"]
    elif isinstance(data, dict) and "kty" in data:
        items = [data]
    else:
        raise KeySourceError(f"{origin}: JSON without a 'keys' list: not a JWKS")
    keys: list[LoadedKey] = []
    for item in items[:MAX_KEYS]:
        if not isinstance(item, dict) or item.get("use") == "enc":
            continue
        try:
            keys.append(_import_jwk(item))
        except Exception:  # an unreadable entry is skipped; joserfc raises its own errors for malformed keys
            continue
    if not keys:
        raise KeySourceError(f"{origin}: no usable signing key in the key set")
    return keys


def _keys_from_pem(text: str, origin: str, notes: list[str]) -> list[LoadedKey]:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
    from joserfc.jwk import ECKey, OKPKey, RSAKey

    data = text.encode()
    pub: Any
    try:
        if b"CERTIFICATE" in data:
            cert = x509.load_pem_x509_certificate(data)
            pub = cert.public_key()
            if cert.not_valid_after_utc.timestamp() < time.time():
                notes.append(f"the certificate expired {when(cert.not_valid_after_utc.timestamp(), time.time())}; "
                             "JWT validators usually ignore that, SAML and some libraries do not")
        elif b"PRIVATE KEY" in data:
            pub = serialization.load_pem_private_key(data, password=None).public_key()
        else:
            pub = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise KeySourceError(f"{origin}: not a readable PEM key or certificate ({str(exc)[:100]})") from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if isinstance(pub, rsa.RSAPublicKey):
            key: Any = RSAKey.import_key(pub)
        elif isinstance(pub, ec.EllipticCurvePublicKey):
            key = ECKey.import_key(pub)
        elif isinstance(pub, (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey)):
            key = OKPKey.import_key(pub.public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
        else:
            raise KeySourceError(f"{origin}: unsupported key type {type(pub).__name__}")
    return [_loaded(key)]


def load_keys(src: KeySource) -> LoadedKeys:
    """Every key the source names, imported with joserfc; raises ``KeySourceError``."""
    notes: list[str] = []
    if src.jwks:
        value = src.jwks.strip()
        if "://" in value[:12]:
            data = fetch_json(value)
            url = value
            if isinstance(data, dict) and "keys" not in data and isinstance(data.get("jwks_uri"), str):
                url = data["jwks_uri"]
                notes.append(f"discovery document names jwks_uri {url}")
                data = fetch_json(url)
            return LoadedKeys(_keys_from_json(data, url), f"JWKS {url}", url=url, notes=notes)
        text = _read_source(value, "JWKS")
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            raise KeySourceError(f"{value[:80]}: not JSON: a JWKS is a JSON object with a 'keys' list") from None
        origin = "inline JWKS" if value.startswith("{") else f"JWKS file {value}"
        return LoadedKeys(_keys_from_json(data, origin), origin, notes=notes)
    if src.pem:
        text = _read_source(src.pem, "PEM")
        origin = "certificate" if "CERTIFICATE" in text else "PEM key"
        return LoadedKeys(_keys_from_pem(text, origin, notes), origin, notes=notes)
    if src.secret:
        from joserfc.jwk import OctKey

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                key = OctKey.import_key(src.secret.encode())
        except ValueError as exc:
            if "Asymmetric" in str(exc):
                raise KeySourceError("the shared secret given is a public key: pass it with --key, not --secret "
                                     "(using a public key as an HMAC secret is the HS/RS confusion)") from None
            raise KeySourceError(f"unusable shared secret: {exc}") from None
        loaded = _loaded(key)
        if loaded.bits is not None and loaded.bits < 256:
            notes.append(f"the shared secret is only {loaded.bits // 8} bytes; HS256 needs at least 32")
        return LoadedKeys([loaded], "shared secret", notes=notes)
    raise KeySourceError("no key source given (--jwks, --key or --secret)")


# --- verification -----------------------------------------------------------------------------


def verify(token: str, src: KeySource, expect: Expect, keys: LoadedKeys | None = None) -> tuple[Decoded, list[Check]]:
    """Decode, then check algorithm, key, signature and claims; every failure its own Check."""
    d = decode(token)
    checks: list[Check] = []
    if d.kind != "jws":
        if src.given or keys is not None:
            what = "encrypted (JWE)" if d.kind == "jwe" else "opaque (not a JWT)"
            checks.append(Check("format", False, f"the token is {what}: there is no signature a third party can "
                                "check"))
        return d, checks
    now = time.time() if expect.now is None else expect.now
    alg = str(d.header.get("alg", ""))
    if alg.lower() == "none":
        checks.append(Check("alg", False, "alg is 'none': the token is unsigned and must be refused; a validator "
                            "that accepts it lets anyone forge tokens", "token_signature_invalid"))
    elif src.given or keys is not None:
        loaded = keys if keys is not None else load_keys(src)
        _signature_checks(token, d, alg, loaded, expect, checks)
    _claim_checks(d, expect, now, checks)
    return d, checks


def _registry(alg: str) -> Any:
    from joserfc.jws import JWSRegistry

    reg = JWSRegistry(algorithms=[alg], strict_check_header=False)  # Graph tokens carry a 'nonce' header
    reg.max_header_length = 16_384  # headers with an x5c chain are longer than joserfc's default
    return reg


def _signature_checks(token: str, d: Decoded, alg: str, loaded: LoadedKeys, expect: Expect,
                      checks: list[Check]) -> None:
    from joserfc import jws
    from joserfc.errors import BadSignatureError, JoseError

    kinds = {k.kty for k in loaded.keys}
    family = _FAMILY.get(alg[:2]) if alg != "EdDSA" else "OKP"
    if expect.algorithms and alg not in expect.algorithms:
        checks.append(Check("alg", False, f"alg {alg} is not among the allowed algorithms "
                            f"({', '.join(expect.algorithms)})", "token_signature_invalid"))
        return
    if family is None or alg not in _supported():
        checks.append(Check("alg", False, f"alg {alg!r} is not a JWS algorithm a validator should accept",
                            "token_signature_invalid"))
        return
    if family == "oct" and "oct" not in kinds:
        checks.append(Check("alg", False, (
            f"HS/RS confusion: the token says {alg} (an HMAC with a shared secret) but {loaded.origin} holds public "
            f"keys ({', '.join(sorted(kinds))}). A correct validator refuses it; one that uses the public key as the "
            "HMAC secret accepts forged tokens. Either the token was not issued by the provider you think (or was "
            "forged), or that issuer signs with a shared secret and you need --secret"), "token_signature_invalid"))
        return
    if family != "oct" and kinds == {"oct"}:
        checks.append(Check("alg", False, (
            f"the token is signed with {alg} (public-key); a shared secret cannot verify it: use the issuer's JWKS "
            "(--jwks) or its certificate (--key)"), "signing_key_not_configured"))
        return
    candidates = [k for k in loaded.keys if k.kty == family]
    if not candidates:
        checks.append(Check("alg", False, f"alg {alg} needs a {family} key but {loaded.origin} holds only "
                            f"{', '.join(sorted(kinds))} keys", "signing_key_not_configured"))
        return
    kid = d.header.get("kid") or d.header.get("x5t")
    if kid is not None and any(k.kid or k.x5t for k in candidates):  # a bare PEM key or secret has no kid
        chosen = [k for k in candidates if k.kid == str(kid) or k.x5t == str(kid)]
        if not chosen:
            checks.append(_unknown_kid(str(kid), d, loaded))
            return
        checks.append(Check("kid", True, f"kid {kid} found in {loaded.origin}"))
    else:
        chosen = candidates
    declared = {k.alg for k in chosen if k.alg}
    if declared and alg not in declared:
        checks.append(Check("alg", False, f"the key declares alg {', '.join(sorted(declared))} but the token uses "
                            f"{alg}: a validator must refuse a key used with another algorithm",
                            "token_signature_invalid"))
        return
    for k in chosen:
        if k.kty == "RSA" and k.bits is not None and k.bits < MIN_RSA_BITS:
            checks.append(Check("key_size", False, (
                f"the RSA key{' ' + k.kid if k.kid else ''} is {k.bits} bits; Entra ID refuses keys below "
                f"{MIN_RSA_BITS} bits (WeakRsaKey) and so do most libraries: issue a 2048-bit (or larger) key"),
                "signing_key_weak"))
    errors: list[str] = []
    for k in chosen[:MAX_KEYS]:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                jws.deserialize_compact(token, k.key, algorithms=[alg], registry=_registry(alg))
        except BadSignatureError:
            errors.append("bad signature")
            continue
        except JoseError as exc:
            errors.append(str(exc)[:160])
            continue
        except ValueError as exc:
            errors.append(str(exc)[:160])
            continue
        checks.append(Check("signature", True, f"signature verifies with {loaded.origin}"
                            f"{' key ' + k.kid if k.kid else ''} ({alg})"))
        return
    checks.append(_bad_signature(d, alg, loaded, errors))


def _supported() -> set[str]:
    from joserfc.jws import JWSRegistry

    return {a for a in JWSRegistry.algorithms if a != "none"}


def _bad_signature(d: Decoded, alg: str, loaded: LoadedKeys, errors: list[str]) -> Check:
    detail = f" ({errors[0]})" if errors and errors[0] != "bad signature" else ""
    if is_graph_token(d):
        return Check("signature", False, (
            "the signature does not verify: this is a Microsoft Graph access token (Graph audience"
            f"{', nonce in the header' if 'nonce' in d.header else ''}), which only Graph itself can validate — "
            "the signed header carries a hash of the nonce, not the nonce. An application that validates it fails "
            "by design (Posit Connect: 'JWT signature does not match locally computed signature'): request a token "
            f"for your own API instead of Graph scopes{detail}"), "token_wrong_audience")
    return Check("signature", False, (
        f"the signature does not verify with {loaded.origin} ({alg}){detail}: the token was altered, or it was "
        "signed by another key with the same kid (a test/other environment), or the key source is wrong"),
        "token_signature_invalid")


def _unknown_kid(kid: str, d: Decoded, loaded: LoadedKeys) -> Check:
    """No key with the token's kid: stale keys (rotation) or keys of another issuer."""
    known = ", ".join(k.kid or "?" for k in loaded.keys[:8]) or "none"
    iss = str(d.claims.get("iss", ""))
    if is_graph_token(d):
        return Check("kid", False, (
            f"kid {kid} is not in {loaded.origin}: this is a Microsoft Graph token, meant for Graph only; request a "
            "token for your own API"), "token_wrong_audience")
    key_issuers = {k.issuer for k in loaded.keys if k.issuer}
    if key_issuers and iss and not any(_issuer_matches(t, iss) for t in key_issuers):
        return Check("kid", False, (
            f"kid {kid} is not in {loaded.origin} (kids: {known}), whose keys belong to "
            f"{', '.join(sorted(key_issuers))[:200]} while the token was issued by {iss}: keys of another issuer"),
            "token_issuer_mismatch")
    if loaded.url:
        same = _same_issuer(loaded.url, iss) if iss else True
        if not same:
            return Check("kid", False, (
                f"kid {kid} is not in the key set at {loaded.url} (kids: {known}); the token was issued by {iss}, "
                "another issuer (tenant, realm or authorization server): use that issuer's jwks_uri from "
                f"{iss.rstrip('/')}/.well-known/openid-configuration"), "token_issuer_mismatch")
        return Check("kid", False, (
            f"kid {kid} is not in the current key set at {loaded.url} (kids: {known}): the issuer no longer (or not "
            "yet) publishes that key — the token is older than a key rotation, or a validator kept keys cached or "
            "pinned across a rotation. For Entra apps with their own signing keys, fetch the JWKS with "
            "?appid=<client id>"), "signing_key_stale")
    return Check("kid", False, (
        f"kid {kid} is not among the keys of {loaded.origin} (kids: {known}). A saved or pinned key set goes stale "
        "when the issuer rotates keys: fetch the current one from "
        f"{(iss.rstrip('/') or '<issuer>')}/.well-known/openid-configuration (jwks_uri). If the file belongs to "
        "another issuer, it is an issuer mismatch instead"), "signing_key_stale")


def _issuer_matches(template: str, iss: str) -> bool:
    if "{tenantid}" in template:
        head, _, tail = template.partition("{tenantid}")
        return iss.startswith(head) and iss.endswith(tail)
    return template.rstrip("/") == iss.rstrip("/")


def _same_issuer(jwks_url: str, iss: str) -> bool:
    """Whether a JWKS URL plausibly belongs to ``iss`` (same host and issuer path)."""
    ju, iu = split_url(jwks_url), split_url(iss)
    if ju is None or iu is None:
        return True
    if provider_for(ju.host) == "microsoft" and provider_for(iu.host) == "microsoft":
        return True  # Entra publishes one key set for all tenants (unless app-specific keys)
    if ju.host != iu.host:
        return False
    ipath = iu.path.rstrip("/")
    return ju.path.startswith(ipath + "/") or not ipath


def _claim_checks(d: Decoded, expect: Expect, now: float, checks: list[Check]) -> None:
    c = d.claims
    lee = expect.leeway

    exp, nbf, iat = (time_claim(c, k) for k in ("exp", "nbf", "iat"))
    if exp is not None:
        if now > exp + lee:
            need = now - exp
            checks.append(Check("exp", False, (
                f"expired {when(exp, now)}; only a clock skew (leeway) of at least {duration(need)} "
                f"({int(need) + 1} s) would accept it — get a fresh token (refresh it) instead"),
                "clock_skew" if need <= 300 else "token_expired"))
        else:
            checks.append(Check("exp", True, f"not expired (expires {when(exp, now)})"))
    elif "exp" in c:
        checks.append(Check("exp", False, "exp is not a number of seconds", "token_expired"))
    if nbf is not None and now < nbf - lee:
        need = nbf - now
        checks.append(Check("nbf", False, (
            f"not valid before {when(nbf, now)}: the issuer's clock is ahead of this machine's by at least "
            f"{duration(need)}; a leeway of {int(need) + 1} s would accept it — synchronise the clocks (NTP)"),
            "clock_skew"))
    if iat is not None and iat > now + max(lee, 60):
        checks.append(Check("iat", False, (
            f"issued {when(iat, now)}, in the future: the clocks differ by at least {duration(iat - now)}"),
            "clock_skew"))
    if expect.issuer is not None:
        iss = str(c.get("iss", ""))
        if iss == expect.issuer:
            checks.append(Check("iss", True, f"issuer is {iss}"))
        else:
            checks.append(Check("iss", False, _issuer_difference(expect.issuer, iss), "token_issuer_mismatch"))
    if expect.audience is not None:
        auds = audiences(c)
        if expect.audience in auds:
            checks.append(Check("aud", True, f"audience includes {expect.audience}"))
        else:
            checks.append(Check("aud", False, _audience_difference(expect.audience, auds, d), "token_wrong_audience"))
    if expect.nonce is not None:
        nonce = c.get("nonce")
        if nonce == expect.nonce:
            checks.append(Check("nonce", True, "nonce matches"))
        elif nonce is None:
            checks.append(Check("nonce", False, "the token has no nonce claim although one was expected: the client "
                                "sent a nonce the provider did not echo, or this is not the ID token of that request",
                                "nonce_mismatch"))
        else:
            checks.append(Check("nonce", False, (
                "the nonce differs from the one expected: the ID token belongs to another sign-in (a second tab, a "
                "retried or replayed response) or the client lost the nonce it stored (session or cookie lost)"),
                "nonce_mismatch"))


def _issuer_difference(expected: str, actual: str) -> str:
    base = f"issuer is {actual or '(none)'}, expected {expected}"
    if not actual:
        return base + ": the token has no iss claim"
    if expected.rstrip("/") == actual.rstrip("/"):
        return base + ": they differ only by a trailing slash, and issuers are compared exactly"
    if expected.lower() == actual.lower():
        return base + ": they differ only in letter case, and issuers are compared exactly"
    if "{tenantid}" in expected and _issuer_matches(expected, actual):
        return base + ": the expected value is a template; substitute the tenant id"
    if "sts.windows.net" in actual and "/v2.0" in expected:
        return base + (": the token is a v1.0 token but the v2.0 issuer is expected — set "
                       "accessTokenAcceptedVersion to 2 in the API's app manifest, or accept the v1.0 issuer")
    if "/v2.0" in actual and "sts.windows.net" in expected:
        return base + ": the token is a v2.0 token but the v1.0 issuer is expected"
    ue, ua = split_url(expected), split_url(actual)
    if ue and ua and ue.scheme != ua.scheme and ue.host == ua.host:
        return base + ": http vs https — the provider's public URL (behind a proxy) differs from the configured one"
    if ue and ua and ue.host == ua.host:
        return base + ": same host, another tenant, realm or authorization server"
    return base


def _audience_difference(expected: str, auds: list[str], d: Decoded) -> str:
    shown = ", ".join(auds) or "(none)"
    base = f"audience is {shown}, expected {expected}"
    if is_graph_token(d):
        return base + (": a Microsoft Graph token is for Graph only; request a scope of your own API "
                       "(api://<app id>/.default) to get a token your application can validate")
    for a in auds:
        if a.endswith(expected) or expected.endswith(a):
            return base + (": the same application named two ways (client id GUID vs Application ID URI "
                           "api://…): configure the validator with the form the token carries")
    return base + ": the token was issued for another application or API"
