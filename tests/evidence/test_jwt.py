"""Tokens decoded without verification: claims explained, vendor claims, times, Graph tokens,
JWE and opaque tokens, and clear messages for what is not a token."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from evkit import CLIENT, TENANT, b64url, entra_claims, graph_token, now, rsa_key, run_cli, sign, unsigned

from authdoctor.evidence.jwt import TokenError, decode, describe, role_of, sniff


def rows(flow: dict[str, object]) -> dict[str, dict[str, str]]:
    return {r["name"]: r for r in flow["claims"]}  # type: ignore[attr-defined]


def test_microsoft_claims_are_explained_with_absolute_and_relative_times() -> None:
    t = now()
    token = sign(entra_claims(exp=t + 3 * 3600 + 30, roles=["Orders.Admin"]), rsa_key("k1"))
    rep = describe(decode(token), "tok", now=t)
    flow = rep.flow
    assert flow["role"] == "access token" and flow["vendor"] == "microsoft"
    r = rows(flow)
    assert "tenant id" in r["tid"]["meaning"] and "object id" in r["oid"]["meaning"]
    assert "delegated permissions" in r["scp"]["meaning"] and "application roles" in r["roles"]["meaning"]
    assert "1.0" in r["ver"]["meaning"] and "2.0" in r["ver"]["meaning"]
    assert r["exp"]["value"].endswith("UTC (in 3 h)") and "(1 min ago)" in r["iat"]["value"]
    assert flow["summary"].startswith("access token from Microsoft Entra ID (v2.0), for api://")
    assert rep.causes == [] and flow["problems"] == []
    assert rep.facts.get("provider") == "microsoft"


def test_okta_and_google_claims() -> None:
    t = now()
    okta = decode(sign({"iss": "https://dev-123.okta.com/oauth2/default", "cid": "0oa1b2", "uid": "00u9",
                        "scp": ["openid", "email"], "ver": 1, "aud": "api://default", "exp": t + 600}, rsa_key("o")))
    rep = describe(okta, "okta", now=t)
    assert rep.flow["vendor"] == "okta" and "client id" in rows(rep.flow)["cid"]["meaning"]
    google = decode(sign({"iss": "https://accounts.google.com", "azp": "123.apps.googleusercontent.com",
                          "aud": "123.apps.googleusercontent.com", "hd": "example.com", "email_verified": True,
                          "at_hash": "x", "exp": t + 600, "nonce": "n1"}, rsa_key("g")))
    rep = describe(google, "google", now=t)
    assert rep.flow["role"] == "ID token" and "Workspace domain" in rows(rep.flow)["hd"]["meaning"]


def test_graph_access_token_maps_to_wrong_audience() -> None:
    rep = describe(decode(graph_token(rsa_key("k1"))), "graph")
    cids = {c[0]: c[1] for c in rep.causes}
    assert cids["token_wrong_audience"] >= 0.85
    assert "only Microsoft Graph can validate" in rep.flow["problems"][0]
    header = {r["name"]: r for r in rep.flow["header"]}
    assert "only by Microsoft Graph" in header["nonce"]["meaning"]
    assert any("v1.0 Microsoft token" in p for p in rep.flow["problems"])


def test_expired_and_future_tokens() -> None:
    t = now()
    expired = describe(decode(sign(entra_claims(exp=t - 7200, iat=t - 10800, nbf=t - 10800), rsa_key("k"))), "x", t)
    assert expired.causes[0][:2] == ("token_expired", 0.35)
    assert "expired 2 h ago" in expired.flow["problems"][0]
    future = describe(decode(sign(entra_claims(nbf=t + 600, iat=t + 600), rsa_key("k"))), "x", t)
    assert future.causes[0][0] == "clock_skew" and "10 min" in future.flow["problems"][0]


def test_alg_none_and_weak_embedded_key() -> None:
    rep = describe(decode(unsigned(entra_claims())), "none")
    assert rep.causes[0][0] == "token_signature_invalid"
    weak = rsa_key("weak", bits=1024)
    token = sign(entra_claims(), weak, {"jwk": weak.as_dict(private=False)})
    rep = describe(decode(token), "weak")
    assert "signing_key_weak" in {c[0] for c in rep.causes}
    assert any("RSA 1024 bits" in p for p in rep.flow["problems"])


def test_jwe_is_explained() -> None:
    header = b64url(json.dumps({"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": "enc1", "cty": "JWT"}).encode())
    token = ".".join([header, b64url(b"k" * 256), b64url(b"i" * 12), b64url(b"c" * 300), b64url(b"t" * 16)])
    d = decode(token)
    assert d.kind == "jwe"
    rep = describe(d, "jwe")
    assert "Encrypted token (JWE, key algorithm RSA-OAEP-256, content encryption A256GCM)" in rep.flow["summary"]
    assert "nested JWT" in rep.flow["summary"]


@pytest.mark.parametrize(
    ("token", "meaning"),
    [
        ("ya29.a0AfB_byCANARYgoogleAccessTokenValue", "Google OAuth access token"),
        ("gho_16C7e42F292c6912E7710c838347Ae178B4a", "GitHub OAuth App user token"),
        ("EwBwA8l6BAAUCANARYmsaTokenValueZq9Kx7wPqLmNoPq", "Microsoft consumer-account"),
        ("Qm9ndXNPcGFxdWVUb2tlblZhbHVlMTIzNDU2Nzg5", "an opaque token"),
    ],
)
def test_opaque_tokens_are_explained(token: str, meaning: str) -> None:
    d = decode(token)
    assert d.kind == "opaque"
    rep = describe(d, "x")
    assert meaning in rep.flow["summary"] and token not in json.dumps(rep.flow)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("eyJhbGciOiJSUzI1NiJ9.%%%garbage%%%.c2ln", "claims (payload) segment is not valid base64url"),
        ("eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln", "claims (payload) segment does not decode to JSON"),
        ("eyJub3QganNvbg.e30.c2ln", "header segment does not decode to JSON"),
        ("eyJhbGciOiJSUzI1NiJ9.e30", "2 dot-separated segments"),
        ("eyJhbGciOiJSUzI1NiJ9.e30.c2ln!!", "signature segment is not valid base64url"),
        ("eyJhbGciOiJSUzI1NiJ9.WzFd.c2ln", "JSON but not an object"),
        ("eyJ" + "A" * 70_000 + ".e30.c2ln", "longer than any real token"),
        ("two tokens here", "no spaces"),
    ],
)
def test_garbage_segments_give_clear_messages(text: str, message: str) -> None:
    with pytest.raises(TokenError, match=message.replace("(", r"\(").replace(")", r"\)")):
        decode(text)


def test_role_detection() -> None:
    d = decode(sign({"iss": "https://kc.example.com/realms/acme", "typ": "Refresh", "exp": now() + 60}, rsa_key("k")))
    assert role_of(d, "keycloak") == "refresh token"


def test_sniffer_accepts_tokens_only() -> None:
    token = sign(entra_claims(), rsa_key("k"))
    assert sniff(token.encode()) and sniff(f"Authorization: Bearer {token}\n".encode())
    assert sniff(b"ya29.a0AfB_byCANARYgoogleAccessTokenValue")
    assert not sniff(b"2024-01-01 ERROR something failed eyJabc.def.ghi")
    assert not sniff(b"https://app/cb?id_token=eyJabc.def.ghi")
    assert not sniff(b'{"access_token": "eyJabc.def.ghi"}')


def test_diagnose_a_graph_token_in_a_file_named_anything(tmp_path: Path) -> None:
    path = tmp_path / "notes.log"
    path.write_text(graph_token(rsa_key("k1")) + "\n")
    r = run_cli("diagnose", str(path), "--format", "json")
    assert r.returncode == 1, r.stderr
    data = json.loads(r.stdout)
    assert data["causes"][0]["id"] == "token_wrong_audience"
    assert data["flows"][0]["kind"] == "jwt" and data["flows"][0]["vendor"] == "microsoft"


def test_diagnose_token_on_stdin() -> None:
    token = sign(entra_claims(aud="00000003-0000-0000-c000-000000000000", appid=CLIENT), rsa_key("k1"))
    r = run_cli("diagnose", "-", "--format", "json", stdin=f"Bearer {token}\n".encode())
    data = json.loads(r.stdout)
    assert data["causes"][0]["id"] == "token_wrong_audience"
    assert TENANT in json.dumps(data["flows"][0]["claims"])


def test_diagnose_inline_token_argument() -> None:
    token = sign(entra_claims(aud="00000003-0000-0000-c000-000000000000", appid=CLIENT), rsa_key("k1"))
    r = run_cli("diagnose", token, "--format", "json")
    data = json.loads(r.stdout)
    assert data["causes"][0]["id"] == "token_wrong_audience"


def test_diagnose_garbage_token_is_a_note_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "token.txt"
    path.write_text("eyJhbGciOiJSUzI1NiJ9.%%%garbage%%%.c2ln\n")
    r = run_cli("diagnose", str(path), "--format", "json")
    assert r.returncode == 0
    assert any("not valid base64url" in n for n in json.loads(r.stdout)["notes"])


def test_jwt_command_decodes_and_exits_by_problems() -> None:
    t = now()
    good = sign(entra_claims(), rsa_key("k1"))
    r = run_cli("jwt", good)
    assert r.returncode == 0, r.stderr
    assert b"access token from Microsoft Entra ID (v2.0)" in r.stdout and b"tid = " + TENANT.encode() in r.stdout
    expired = sign(entra_claims(exp=t - 60), rsa_key("k1"))
    assert run_cli("jwt", expired).returncode == 1
    bad = run_cli("jwt", "eyJhbGciOiJSUzI1NiJ9.%%%garbage%%%.c2ln")
    assert bad.returncode == 2 and bad.stdout == b"" and b"not valid base64url" in bad.stderr
    md = run_cli("jwt", "-", "--format", "markdown", stdin=good.encode())
    assert b"| `tid` |" in md.stdout
