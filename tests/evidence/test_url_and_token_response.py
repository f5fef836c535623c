"""Callback/authorize URLs, fragments, form_post bodies and token-endpoint responses."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from evkit import (
    CALLBACK,
    CANARY_CODE,
    CANARY_REFRESH,
    CLIENT,
    authorize_url,
    entra_claims,
    graph_token,
    rsa_key,
    run_cli,
    run_cli_rss,
    sign,
)

from authdoctor.evidence import token_response, url
from authdoctor.extract.kinds import Analysis


def causes(a: Analysis) -> dict[str, float]:
    return {c: s for c, s, _ in a.causes}


def problems(a: Analysis) -> str:
    return "\n".join(p for f in a.flows for p in f.get("problems", []))


def test_callback_error_goes_through_the_kb() -> None:
    cb = (f"{CALLBACK}?error=invalid_request&error_description="
          + quote("AADSTS50011: The redirect URI 'https://jira.example.com/cb' specified in the request does not "
                  "match the redirect URIs configured for the application '0f3e'.") + "&state=st-1")
    r = run_cli("diagnose", cb, "--format", "json")
    data = json.loads(r.stdout)
    assert r.returncode == 1 and data["findings"][0]["entry"] == "entra-aadsts50011"
    assert data["causes"][0]["id"] == "redirect_uri_mismatch"
    assert data["flows"][0]["kind"] == "url" and data["flows"][0]["role"] == "callback"


def test_code_without_state() -> None:
    a = url.analyze_text(f"{CALLBACK}?code={CANARY_CODE}", "cb")
    assert "state_mismatch" in causes(a) and "without state" in problems(a)
    assert CANARY_CODE not in json.dumps(a.flows)


def test_tokens_in_fragment_of_a_server_side_client() -> None:
    token = sign(entra_claims(aud=CLIENT, nonce="n1"), rsa_key("k"))
    a = url.analyze_text(f"{CALLBACK}#id_token={token}&state=st-1", "cb")
    assert causes(a)["unsupported_flow"] >= 0.4
    assert "browsers never send the fragment" in problems(a)
    spa = url.analyze_text(f"https://app.example.com/#id_token={token}&state=st-1", "cb")
    assert "unsupported_flow" not in causes(spa) and "only JavaScript" in problems(spa)


def test_form_post_body_and_html_page() -> None:
    body = url.analyze_text(f"code={CANARY_CODE}&state=st-1&session_state=abc", "body")
    assert body.flows[0]["via"] == "form_post" and body.flows[0]["role"] == "callback"
    page = (f'<html><body onload="javascript:document.forms[0].submit()"><form method="post" action="{CALLBACK}">'
            '<input type="hidden" name="error" value="access_denied"/>'
            '<input type="hidden" name="error_description" value="AADSTS65004: User declined to consent to access '
            'the app."/><input type="hidden" name="state" value="st-1"/></form></body></html>')
    a = url.analyze_text(page, "page.html")
    assert a.flows[0]["url"] == CALLBACK and a.texts and "AADSTS65004" in a.texts[0][1]


def test_authorize_url_checks() -> None:
    bad = authorize_url(challenge="abc", method="plain",
                        scope="https://outlook.office.com/IMAP.AccessAsUser.All https://graph.microsoft.com/Mail.Read",
                        redirect_uri="http://jira.example.com/cb")
    a = url.analyze_text(bad, "auth")
    c = causes(a)
    assert c["scope_mixed_resources"] >= 0.6 and c["pkce_invalid"] >= 0.6 and c["redirect_uri_mismatch"] >= 0.45
    assert "offline_access is not requested" in problems(a)


def test_sovereign_cloud_mismatch() -> None:
    link = authorize_url(scope="https://outlook.office365.us/IMAP.AccessAsUser.All offline_access")
    a = url.analyze_text(link, "auth")
    assert causes(a)["national_cloud_mismatch"] >= 0.6


def test_authorize_and_callback_pasted_together() -> None:
    text = authorize_url(state="sent-1") + "\n" + f"{CALLBACK}?code={CANARY_CODE}&state=other-2\n"
    a = url.analyze_text(text, "urls")
    assert causes(a)["state_mismatch"] >= 0.8


def test_megabyte_url_is_bounded_and_explained(tmp_path: Path) -> None:
    path = tmp_path / "url.txt"
    path.write_text(f"{CALLBACK}?state=x&junk=" + "A" * (1 << 20))
    r, rss = run_cli_rss("diagnose", str(path), "--format", "json")
    data = json.loads(r.stdout)
    assert any("1,048,6" in n and "only the first 64 KiB" in n for n in data["notes"])
    assert "request_invalid" in [c["id"] for c in data["causes"]]
    assert rss < 300 * 1024, rss  # KiB


def test_token_error_response() -> None:
    body = {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided. Ensure "
            "the secret being sent in the request is the client secret value, not the client secret ID.",
            "error_codes": [7000215], "timestamp": "2024-05-02 10:00:00Z",
            "trace_id": "0f1e2d3c-aaaa-bbbb-cccc-444455556666", "correlation_id": "9a8b7c6d-1111-2222-3333-444455556666"}
    res = token_response.analyze_body(body, status=401)
    assert "AADSTS7000215" in res.texts[0] and res.facts.get("provider") == "microsoft"
    assert any("correlation_id 9a8b7c6d" in p for p in res.problems)


def test_token_success_checks() -> None:
    access = sign(entra_claims(), rsa_key("k"))
    res = token_response.analyze_body({"token_type": "Bearer", "expires_in": "120", "scope": "User.Read",
                                       "access_token": access},
                                      requested_scope="User.Read Mail.Read offline_access")
    text = "\n".join(res.problems)
    assert "expires_in is a string" in text and "lives only 2 min" in text
    assert "no refresh_token" in text and "Mail.Read not granted" in text
    c = {cid for cid, _, _ in res.causes}
    assert {"consent_required", "provider_issues_no_refresh_token"} <= c
    res = token_response.analyze_body({"token_type": "Bearer", "expires_in": 3599, "access_token": access})
    assert res.causes[0][0] == "scope_offline_access_missing"
    gh = token_response.analyze_body({"access_token": "gho_16C7e42F292c6912E7710c838347Ae178B4a",
                                      "token_type": "bearer", "scope": "repo"})
    assert gh.causes[0][0] == "provider_issues_no_refresh_token"
    app_only = sign(entra_claims(roles=["Mail.Read"], scp=None), rsa_key("k"))
    cc = token_response.analyze_body({"token_type": "Bearer", "expires_in": 3599, "access_token": app_only},
                                     grant_type="client_credentials")
    assert cc.causes == []
    graph = token_response.analyze_body({"token_type": "Bearer", "expires_in": 3599,
                                         "access_token": graph_token(rsa_key("g")), "refresh_token": CANARY_REFRESH})
    assert graph.causes[0][0] == "token_wrong_audience"
    assert CANARY_REFRESH not in json.dumps(graph.fields)


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        (b'HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n{"error":"invalid_grant",'
         b'"error_description":"AADSTS70008: The provided authorization code or refresh token has expired due to '
         b'inactivity."}', ("70008", "invalid-grant")),
        (b'{\n  "error": "unauthorized_client",\n  "error_description": "Invalid client or Invalid client '
         b'credentials"\n}\n', ("unauthorized-client", "invalid-client")),
    ],
)
def test_diagnose_token_responses_by_content(tmp_path: Path, content: bytes, expect: tuple[str, ...]) -> None:
    path = tmp_path / "response.log"
    path.write_bytes(content)
    r = run_cli("diagnose", str(path), "--format", "json")
    data = json.loads(r.stdout)
    assert data["flows"][0]["kind"] == "token_response"
    assert any(k in f["entry"] for f in data["findings"] for k in expect), data["findings"]


def test_token_response_sniffer_leaves_json_logs_alone() -> None:
    jsonl = b'{"level":"error","error":"invalid_grant"}\n{"level":"info","msg":"retry"}\n'
    assert not token_response.sniff(jsonl)
    assert token_response.sniff(b'{"access_token":"x","token_type":"Bearer"}')
    assert token_response.sniff(b"access_token=gho_abc&scope=repo&token_type=bearer")
    assert not token_response.sniff(b'{"log": {"version": "1.2"}}')
