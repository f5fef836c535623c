"""JWT verification with joserfc against a JWKS served over HTTP on 127.0.0.1, a JWKS file,
PEM keys, certificates and shared secrets — and one clear explanation per failure."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
from evkit import CLIENT, TENANT, entra_claims, graph_token, jwks, now, rsa_key, run_cli, sign, unsigned
from joserfc.jwk import OctKey

from authdoctor.jose_verify import Check, Expect, KeySource, KeySourceError, load_keys, verify

ISS = f"https://login.microsoftonline.com/{TENANT}/v2.0"


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, bytes]]] = {}

    def do_GET(self) -> None:
        status, body = self.routes.get(self.path, (404, b"{}"))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, tuple[int, bytes]]]]:
    """A JWKS endpoint on 127.0.0.1 (random port), stopped after the test."""
    routes: dict[str, tuple[int, bytes]] = {}
    handler = type("H", (_Handler,), {"routes": routes})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", routes
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def failed(checks: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in checks if not c.ok}


def test_verifies_against_jwks_served_over_http(server: tuple[str, dict[str, tuple[int, bytes]]]) -> None:
    base, routes = server
    k1, k2 = rsa_key("k1"), rsa_key("k2")
    routes["/discovery/v2.0/keys"] = (200, json.dumps(jwks(k1, k2)).encode())
    token = sign(entra_claims(nonce="n-1"), k2)
    _, checks = verify(token, KeySource(jwks=f"{base}/discovery/v2.0/keys"),
                       Expect(issuer=ISS, audience=f"api://{CLIENT}", nonce="n-1"))
    assert all(c.ok for c in checks), checks
    assert {c.name for c in checks} == {"kid", "signature", "exp", "iss", "aud", "nonce"}


def test_discovery_document_is_followed(server: tuple[str, dict[str, tuple[int, bytes]]]) -> None:
    base, routes = server
    k1 = rsa_key("k1")
    routes["/.well-known/openid-configuration"] = (200, json.dumps({"jwks_uri": f"{base}/keys"}).encode())
    routes["/keys"] = (200, json.dumps(jwks(k1)).encode())
    keys = load_keys(KeySource(jwks=f"{base}/.well-known/openid-configuration"))
    assert keys.url == f"{base}/keys" and keys.keys[0].kid == "k1"


def test_unknown_kid_live_keys_same_issuer_is_stale(server: tuple[str, dict[str, tuple[int, bytes]]]) -> None:
    base, routes = server
    routes["/realms/acme/protocol/openid-connect/certs"] = (200, json.dumps(jwks(rsa_key("new"))).encode())
    token = sign({"iss": f"{base}/realms/acme", "exp": now() + 60, "aud": "app"}, rsa_key("old"))
    _, checks = verify(token, KeySource(jwks=f"{base}/realms/acme/protocol/openid-connect/certs"), Expect())
    kid = failed(checks)["kid"]
    assert kid.cause == "signing_key_stale" and "no longer (or not yet) publishes" in kid.message


def test_unknown_kid_keys_of_another_issuer(server: tuple[str, dict[str, tuple[int, bytes]]]) -> None:
    base, routes = server
    routes["/oauth2/v1/keys"] = (200, json.dumps(jwks(rsa_key("org"))).encode())
    token = sign({"iss": f"{base}/oauth2/default", "exp": now() + 60}, rsa_key("custom"))
    _, checks = verify(token, KeySource(jwks=f"{base}/oauth2/v1/keys"), Expect())
    kid = failed(checks)["kid"]
    assert kid.cause == "token_issuer_mismatch" and "another issuer" in kid.message


def test_unknown_kid_in_a_saved_file_is_stale_keys(tmp_path: Path) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(jwks(rsa_key("2023-key"))))
    _, checks = verify(sign(entra_claims(), rsa_key("2024-key")), KeySource(jwks=str(path)), Expect())
    kid = failed(checks)["kid"]
    assert kid.cause == "signing_key_stale" and f"{ISS}/.well-known/openid-configuration" in kid.message


def test_unknown_kid_file_with_key_issuers_of_another_tenant(tmp_path: Path) -> None:
    data = jwks(rsa_key("a"))
    data["keys"][0]["issuer"] = "https://login.microsoftonline.com/{tenantid}/v2.0"
    other = {"iss": "https://acme.b2clogin.com/tfp/acme/b2c_1_signin/v2.0/", "exp": now() + 60}
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(data))
    _, checks = verify(sign(other, rsa_key("b")), KeySource(jwks=str(path)), Expect())
    assert failed(checks)["kid"].cause == "token_issuer_mismatch"


def test_bad_signature(tmp_path: Path) -> None:
    real, impostor = rsa_key("k1"), rsa_key("k1")
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(jwks(real)))
    _, checks = verify(sign(entra_claims(), impostor), KeySource(jwks=str(path)), Expect())
    sig = failed(checks)["signature"]
    assert sig.cause == "token_signature_invalid" and "does not verify" in sig.message


def test_graph_token_signature_failure_is_wrong_audience(tmp_path: Path) -> None:
    key = rsa_key("k1")
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(jwks(rsa_key("k1"))))
    _, checks = verify(graph_token(key), KeySource(jwks=str(path)), Expect())
    sig = failed(checks)["signature"]
    assert sig.cause == "token_wrong_audience" and "Posit Connect" in sig.message


def test_alg_none_is_refused() -> None:
    _, checks = verify(unsigned(entra_claims()), KeySource(secret="x" * 32), Expect())
    assert failed(checks)["alg"].cause == "token_signature_invalid"


def test_alg_not_allowed(tmp_path: Path) -> None:
    k = rsa_key("k1")
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(jwks(k)))
    _, checks = verify(sign(entra_claims(), k), KeySource(jwks=str(path)), Expect(algorithms=["ES256"]))
    assert "not among the allowed algorithms" in failed(checks)["alg"].message


def test_hs_rs_confusion(tmp_path: Path) -> None:
    k = rsa_key("k1")
    pem = tmp_path / "key.pem"
    pem.write_bytes(k.as_pem(private=False))
    forged = sign(entra_claims(), OctKey.import_key(b"a-public-key-used-as-hmac-secret-xx"), {"kid": "k1"})
    _, checks = verify(forged, KeySource(pem=str(pem)), Expect())
    alg = failed(checks)["alg"]
    assert "HS/RS confusion" in alg.message and alg.cause == "token_signature_invalid"
    with pytest.raises(KeySourceError, match="HS/RS confusion"):
        load_keys(KeySource(secret=k.as_pem(private=False).decode()))


def test_asymmetric_token_with_shared_secret() -> None:
    _, checks = verify(sign(entra_claims(), rsa_key("k1")), KeySource(secret="s" * 40), Expect())
    assert failed(checks)["alg"].cause == "signing_key_not_configured"


def test_shared_secret_verifies() -> None:
    secret = "0123456789abcdef0123456789abcdef"
    token = sign({"iss": "https://app.example.com", "exp": now() + 60}, OctKey.import_key(secret.encode()))
    _, checks = verify(token, KeySource(secret=secret), Expect())
    assert all(c.ok for c in checks)


def test_expired_with_needed_skew_and_not_yet_valid() -> None:
    t = now()
    secret = "0123456789abcdef0123456789abcdef"
    key = OctKey.import_key(secret.encode())
    _, checks = verify(sign({"exp": t - 125}, key), KeySource(secret=secret), Expect())
    exp = failed(checks)["exp"]
    assert exp.cause == "clock_skew" and "at least 2 min 5 s" in exp.message
    _, checks = verify(sign({"exp": t - 7200}, key), KeySource(secret=secret), Expect())
    assert failed(checks)["exp"].cause == "token_expired"
    _, checks = verify(sign({"exp": t + 3600, "nbf": t + 400}, key), KeySource(secret=secret), Expect())
    nbf = failed(checks)["nbf"]
    assert nbf.cause == "clock_skew" and "6 min" in nbf.message
    _, checks = verify(sign({"exp": t + 3600, "nbf": t + 400}, key), KeySource(secret=secret), Expect(leeway=500))
    assert "nbf" not in failed(checks)


@pytest.mark.parametrize(
    ("expected", "phrase"),
    [
        (ISS + "/", "trailing slash"),
        (f"https://sts.windows.net/{TENANT}/", "v2.0 token but the v1.0 issuer"),
        ("https://login.microsoftonline.com/{tenantid}/v2.0", "template"),
        ("https://login.microsoftonline.com/00000000-1111-2222-3333-444444444444/v2.0", "another tenant"),
    ],
)
def test_issuer_mismatch_explained(expected: str, phrase: str) -> None:
    _, checks = verify(sign(entra_claims(), rsa_key("k")), KeySource(), Expect(issuer=expected))
    iss = failed(checks)["iss"]
    assert iss.cause == "token_issuer_mismatch" and phrase in iss.message


def test_audience_and_nonce_mismatch() -> None:
    token = sign(entra_claims(nonce="n-actual"), rsa_key("k"))
    _, checks = verify(token, KeySource(), Expect(audience=CLIENT, nonce="n-expected"))
    f = failed(checks)
    assert f["aud"].cause == "token_wrong_audience" and "client id GUID vs Application ID URI" in f["aud"].message
    assert f["nonce"].cause == "nonce_mismatch"


def test_weak_rsa_key_is_signing_key_weak(tmp_path: Path) -> None:
    weak = rsa_key("w", bits=1024)
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(jwks(weak)))
    _, checks = verify(sign(entra_claims(), weak), KeySource(jwks=str(path)), Expect())
    size = failed(checks)["key_size"]
    assert size.cause == "signing_key_weak" and "1024 bits" in size.message and "WeakRsaKey" in size.message
    assert any(c.name == "signature" and c.ok for c in checks)


def test_certificate_as_key(tmp_path: Path) -> None:
    k = rsa_key("k1")
    priv = serialization.load_pem_private_key(k.as_pem(private=True), password=None)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "signing.example")])
    t = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(priv.public_key())  # type: ignore[arg-type]
            .serial_number(1).not_valid_before(t - dt.timedelta(days=2)).not_valid_after(t - dt.timedelta(days=1))
            .sign(priv, hashes.SHA256()))  # type: ignore[arg-type]
    path = tmp_path / "cert.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keys = load_keys(KeySource(pem=str(path)))
    assert keys.origin == "certificate" and "certificate expired" in keys.notes[0]
    _, checks = verify(sign(entra_claims(), k), KeySource(pem=str(path)), Expect())
    assert any(c.name == "signature" and c.ok for c in checks)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (KeySource(jwks="/nonexistent/jwks.json"), "no such JWKS file"),
        (KeySource(jwks='{"not": "a jwks"}'), "not a JWKS"),
        (KeySource(pem="-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----"), "not a readable PEM"),
        (KeySource(jwks="ftp://127.0.0.1/keys"), "only http"),
    ],
)
def test_bad_key_sources(source: KeySource, message: str) -> None:
    with pytest.raises(KeySourceError, match=message):
        load_keys(source)


def test_unreachable_and_oversized_jwks_url(server: tuple[str, dict[str, tuple[int, bytes]]]) -> None:
    base, routes = server
    routes["/big"] = (200, b"[" + b"0," * (600 * 1024) + b"0]")
    with pytest.raises(KeySourceError, match="larger than"):
        load_keys(KeySource(jwks=f"{base}/big"))
    with pytest.raises(KeySourceError, match="HTTP 404"):
        load_keys(KeySource(jwks=f"{base}/missing"))


def test_jwt_command_verifies_with_url_and_reports_each_check(server: tuple[str, dict[str, tuple[int, bytes]]]) -> None:
    base, routes = server
    k = rsa_key("k1")
    routes["/keys"] = (200, json.dumps(jwks(k)).encode())
    token = sign(entra_claims(), k)
    ok = run_cli("jwt", token, "--jwks", f"{base}/keys", "--issuer", ISS, "--audience", f"api://{CLIENT}")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert b"ok   signature: signature verifies" in ok.stdout
    bad = run_cli("jwt", token, "--jwks", f"{base}/keys", "--audience", CLIENT, "--format", "json")
    data = json.loads(bad.stdout)
    assert bad.returncode == 1 and [c["cause"] for c in data["checks"] if not c["ok"]] == ["token_wrong_audience"]
    missing = run_cli("jwt", token, "--jwks", f"{base}/nothing-here")
    assert missing.returncode == 2 and b"HTTP 404" in missing.stderr
