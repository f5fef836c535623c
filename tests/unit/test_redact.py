"""No secret reaches any output: canaries planted in every place secrets hide."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from authdoctor.redact import SECRET_KINDS, redact

CANARY = "Zq9canary7Kx"
SECRETS = {
    "client_secret in a form body": f"grant_type=authorization_code&client_secret={CANARY}&code=abc",
    "client_secret in JSON": f'{{"client_id":"x","client_secret":"{CANARY}"}}',
    "escaped JSON in a log line": f'body={{\\"refresh_token\\":\\"{CANARY}\\"}}',
    "password in a log": f"login failed for bob password={CANARY}",
    "password after a colon": f"Password: {CANARY}",
    "bearer header": f"Authorization: Bearer {CANARY}abcdef",
    "basic header": "Authorization: Basic " + "WnE5Y2FuYXJ5N0t4OnBhc3M=",
    "access token in a URL fragment": f"https://app/cb#access_token={CANARY}&token_type=Bearer",
    "id token": f"id_token={CANARY}",
    "authorization code": f"GET /callback?code={CANARY}&state=xyz",
    "cookie header": f"Cookie: JSESSIONID={CANARY}; seraph.rememberme.cookie={CANARY}",
    "set-cookie": f"Set-Cookie: AWSALB={CANARY}; Path=/",
    "jwt": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ" + CANARY + "In0.c2lnbmF0dXJl",
    "userinfo password": f"https://svc:{CANARY}@proxy.example:8080/",
    "entra secret value": "secret abc8Q~" + CANARY + "abcdefghijklmnopqrst used",
    "private key": "-----BEGIN PRIVATE KEY-----\nMIIE" + CANARY + "AAA\n-----END PRIVATE KEY-----",
    "xoauth2": "A1 AUTHENTICATE XOAUTH2 dXNlcj1ib2JAZXhhbXBsZS5jb20BYXV0aD1CZWFyZXIg" + CANARY,
}


@pytest.mark.parametrize("text", list(SECRETS.values()), ids=list(SECRETS))
def test_canary_never_survives(text: str) -> None:
    out = redact(text)
    assert CANARY not in out
    assert "WnE5Y2FuYXJ5N0t4" not in out
    assert re.search(r"<[a-z_0-9]+:…[0-9a-f]{4}>", out), out


@pytest.mark.parametrize(
    "text",
    [
        "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent is the client secret value",
        "error=invalid_grant&error_description=AADSTS70008",
        "state=abc123&session_state=xyz",
        "Token already marked as invalid",
        "The user password is expired",
        "code_challenge_method=S256",
    ],
)
def test_ordinary_diagnostic_text_is_kept(text: str) -> None:
    assert redact(text) == text


def test_markers_keep_kind_and_a_stable_fingerprint() -> None:
    a = redact(f"client_secret={CANARY}")
    b = redact(f'"client_secret": "{CANARY}"')
    fp = re.search(r"…([0-9a-f]{4})", a)
    assert fp and fp.group(1) in b
    assert a.startswith("client_secret=<client_secret:…")


@given(st.text(max_size=300), st.sampled_from(list(SECRETS.values())))
def test_redaction_is_idempotent_and_total(noise: str, secret: str) -> None:
    text = noise + " " + secret + " " + noise
    once = redact(text)
    assert redact(once) == once
    assert CANARY not in once


@pytest.mark.parametrize("name", sorted(SECRET_KINDS))
def test_every_secret_name_is_redacted(name: str) -> None:
    value = "s3cr3tVALUE"
    kind = SECRET_KINDS[name]
    query = redact(f"https://app.example/cb?{name}={value}")
    assert value not in query and f"<{kind}:…" in query, query
    if name == "code":  # a JSON "code" is an error code ("InvalidAuthenticationToken"), kept for diagnosis
        assert redact(f'{{"code":"{value}"}}') == f'{{"code":"{value}"}}'
        return
    for text in (f'{{"{name}":"{value}"}}', f'{{"{name.upper()}": "{value}"}}'):
        out = redact(text)
        assert value not in out and f"<{kind}:…" in out, out
