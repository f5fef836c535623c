"""HAR captures: flow reconstruction and every detection the issue names, on captures shaped
like Chrome, Firefox and Safari exports."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from evkit import (
    APP,
    CALLBACK,
    CANARY_CODE,
    CANARY_COOKIE,
    CANARY_VERIFIER,
    CLIENT,
    IDP,
    TENANT,
    Har,
    authorize_url,
    entra_claims,
    graph_token,
    login_steps,
    rsa_key,
    run_cli,
    sign,
    two_node_har,
)

from authdoctor.evidence._har_nodes import decode_bigip, route_of
from authdoctor.evidence._oauth import s256
from authdoctor.evidence.har import HarResult, NotHarError, read

SPA = "https://app.example.com"
SPA_CB = f"{SPA}/auth/callback"
TOKEN_URL = f"{IDP}/{TENANT}/oauth2/v2.0/token"
VERIFIER = CANARY_VERIFIER  # 51 characters, valid alphabet
CHALLENGE = s256(VERIFIER)


def analyze(h: Har, name: str = "capture.har") -> HarResult:
    data = json.dumps(h.dump()).encode()
    return read(io.BytesIO(data), name, data[:8192])


def causes(res: HarResult) -> dict[str, float]:
    out: dict[str, float] = {}
    for cid, strength, _ in res.causes:
        out[cid] = max(out.get(cid, 0.0), strength)
    return out


def problems(res: HarResult) -> str:
    return "\n".join(p for f in res.flows for p in f.get("problems", []))


def spa_flow(h: Har, *, challenge: str | None = CHALLENGE, method: str | None = "S256",
             verifier: str | None = VERIFIER, token_redirect: str = SPA_CB, token_status: int = 200,
             token_body: dict[str, Any] | None = None, state_back: str = "st-9z8y", nonce: str | None = None,
             scope: str = "openid profile offline_access api://orders/Orders.Read") -> Har:
    h.add("GET", f"{SPA}/", 200, mime="text/html")
    auth = authorize_url(state="st-9z8y", challenge=challenge, method=method, redirect_uri=SPA_CB, scope=scope,
                         nonce=nonce)
    h.add("GET", auth, 200, ms=200)
    login_steps(h)
    back = f"{SPA_CB}?code={CANARY_CODE}&state={state_back}"
    h.add("POST", f"{IDP}/{TENANT}/kmsi", 302, location=back, form={"LoginOptions": "1"})
    h.add("GET", back, 200)
    form = {"client_id": CLIENT, "grant_type": "authorization_code", "code": CANARY_CODE,
            "redirect_uri": token_redirect, "scope": scope}
    if verifier:
        form["code_verifier"] = verifier
    body = token_body if token_body is not None else {
        "token_type": "Bearer", "expires_in": 3599, "scope": scope, "access_token": "eyJ0eXAiOiJKV1QifQ.e30.c2ln",
        "refresh_token": "0.AXk-opaque-refresh-token-value-not-a-canary"}
    h.add("POST", TOKEN_URL, token_status, form=form, json_body=body, req_headers={"Origin": SPA},
          resp_headers={"Access-Control-Allow-Origin": SPA}, rtype="fetch")
    return h


@pytest.mark.parametrize("browser", ["chrome", "firefox", "safari", "edge"])
def test_two_node_capture_reports_which_request_landed_on_which_node(browser: str) -> None:
    res = analyze(two_node_har(browser))
    summary = res.flows[0]
    assert summary["kind"] == "har_capture" and summary["nodes"] == ["node1", "node3"]
    flow = res.flows[1]
    assert flow["outcome"] == "code returned"
    by_role = {s["role"]: s for s in flow["steps"]}
    assert by_role["start"]["node"] == "node1" and by_role["callback"]["node"] == "node3"
    text = "\n".join(summary["problems"])
    assert "#7 GET /plugins/servlet/oauth/callback" in text and "carried the session of node1" in text
    assert causes(res)["session_affinity_broken"] >= 0.85
    assert res.facts.get("clustered") is True and res.facts.get("nodes") == 2


def test_diagnose_ranks_node_hop_first_with_the_seed_error(tmp_path: Path) -> None:
    path = two_node_har().write(tmp_path / "jira-mail.har")
    r = run_cli("diagnose", str(path), "--format", "json")
    assert r.returncode == 1, r.stderr
    data = json.loads(r.stdout)
    assert data["causes"][0]["id"] == "session_affinity_broken"
    assert "node3" in data["causes"][0]["why"]
    assert any(f["entry"] == "atlassian-oauth-token-already-marked-invalid" for f in data["findings"])
    assert data["findings"][0]["evidence"][0]["line"] == 8  # the entry number in the capture


def test_route_cookies_decode() -> None:
    assert decode_bigip("1677787402.20480.0000") == "10.1.1.100:80"
    assert route_of("JSESSIONID", "8F3A9C.node2") == "node2"
    assert route_of("JSESSIONID", "8F3A9C") is None
    assert route_of("ROUTEID", ".jira1") == "jira1"
    assert route_of("BIGipServerjira_pool", "1677787402.20480.0000") == "10.1.1.100:80"


def test_node_hop_seen_through_bigip_and_routeid_cookies() -> None:
    h = Har()
    h.add("GET", f"{APP}/secure/Dashboard.jspa", 200, set_cookies=["BIGipServerjira_pool=1677787402.20480.0000; path=/"])
    h.add("GET", f"{APP}/plugins/servlet/oauth2/authorize?id=7", 302, location=authorize_url(),
          cookies={"BIGipServerjira_pool": "1677787402.20480.0000"})
    h.add("GET", authorize_url(), 200)
    back = f"{CALLBACK}?code={CANARY_CODE}&state=st-1a2b3c"
    h.add("POST", f"{IDP}/{TENANT}/kmsi", 302, location=back)
    h.add("GET", back, 302, set_cookies=["BIGipServerjira_pool=1694564618.20480.0000; path=/"])
    res = analyze(h)
    assert "10.1.1.100:80" in problems(res) and "10.1.1.101:80" in problems(res)
    assert causes(res)["session_affinity_broken"] >= 0.85


def test_error_parameters_go_through_the_knowledge_base() -> None:
    h = Har()
    h.add("GET", f"{APP}/plugins/servlet/oauth2/authorize?id=7", 302, location=authorize_url())
    h.add("GET", authorize_url(), 200)
    back = (f"{CALLBACK}?error=invalid_request&error_description=AADSTS50011%3A+The+redirect+URI+%27"
            f"http%3A%2F%2Fjira.example.com%2Fcb%27+specified+in+the+request+does+not+match+the+redirect+URIs"
            "+configured+for+the+application&state=st-1a2b3c")
    h.add("GET", f"{IDP}/{TENANT}/oauth2/v2.0/authorize/continue", 302, location=back)
    h.add("GET", back, 200)
    res = analyze(h)
    assert res.flows[1]["outcome"] == "error invalid_request"
    assert any("AADSTS50011" in t[1] and t[0] == 3 for t in res.texts)
    assert "AADSTS50011" in problems(res)


def test_error_in_login_page_html_is_found() -> None:
    h = Har()
    page = '<html><script>$Config={"strServiceExceptionMessage":"AADSTS700016: Application with identifier ' \
           '\\u00270f3e\\u0027 was not found in the directory \\u0027contoso\\u0027."};</script></html>'
    h.add("GET", authorize_url(), 200, body=page)
    res = analyze(h)
    assert any(t[1].startswith("AADSTS700016: Application with identifier '0f3e'") for t in res.texts)


def test_state_returned_differs_from_state_sent() -> None:
    res = analyze(spa_flow(Har(), state_back="st-tampered"))
    assert causes(res)["state_mismatch"] >= 0.85
    assert "st-tampered" in problems(res)


def test_response_of_the_first_of_two_parallel_sign_ins() -> None:
    h = Har()
    h.add("GET", authorize_url(state="first"), 200)
    h.add("GET", authorize_url(state="second"), 200)
    back = f"{CALLBACK}?code={CANARY_CODE}&state=first"
    h.add("POST", f"{IDP}/{TENANT}/kmsi", 302, location=back)
    h.add("GET", back, 200)
    res = analyze(h)
    flows = [f for f in res.flows if f["kind"] == "har"]
    assert flows[0]["outcome"] == "code returned" and flows[1]["outcome"].startswith("incomplete")
    assert "state_mismatch" not in causes(res)


def test_nonce_in_id_token_differs_from_nonce_sent() -> None:
    key = rsa_key("k1")
    id_token = sign(entra_claims(aud=CLIENT, nonce="n-OTHER"), key)
    h = Har()
    auth = authorize_url(nonce="n-SENT", response_type="code id_token", response_mode="form_post",
                         scope="openid profile")
    h.add("GET", auth, 200)
    page = (f'<html><body onload="document.forms[0].submit()"><form method="POST" action="{CALLBACK}">'
            f'<input type="hidden" name="code" value="{CANARY_CODE}"/>'
            f'<input type="hidden" name="id_token" value="{id_token}"/>'
            '<input type="hidden" name="state" value="st-1a2b3c"/></form></body></html>')
    h.add("POST", f"{IDP}/{TENANT}/kmsi", 200, body=page)
    h.add("POST", CALLBACK, 302, form={"code": CANARY_CODE, "id_token": id_token, "state": "st-1a2b3c"},
          location=f"{APP}/")
    res = analyze(h)
    assert causes(res)["nonce_mismatch"] >= 0.85
    assert "n-OTHER" in problems(res) and "n-SENT" in problems(res)


@pytest.mark.parametrize(
    ("kwargs", "expect"),
    [
        ({"challenge": CHALLENGE[:42]}, "it must be 43–128"),
        ({"challenge": CHALLENGE + "A"}, "exactly 43"),
        ({"challenge": CHALLENGE, "verifier": "x" * 50}, "does not hash (S256)"),
        ({"challenge": CHALLENGE, "verifier": None}, "sends no code_verifier"),
        ({"challenge": None, "verifier": None}, "without PKCE"),
        ({"challenge": CHALLENGE, "verifier": "short"}, "must be 43–128"),
        ({"challenge": "abc+/=" * 8, "method": "plain", "verifier": "abc+/=" * 8}, "outside"),
    ],
)
def test_pkce_problems(kwargs: dict[str, Any], expect: str) -> None:
    res = analyze(spa_flow(Har(), **kwargs))
    assert expect in problems(res), problems(res)
    assert "pkce_invalid" in causes(res)


def test_valid_pkce_flow_is_clean() -> None:
    res = analyze(spa_flow(Har()))
    flow = res.flows[1]
    assert flow["outcome"] == "tokens issued"
    assert [s["role"] for s in flow["steps"]] == ["authorize", "login", "login", "redirect back", "callback",
                                                  "token"]
    assert res.causes == [] and flow["problems"] == []


def test_redirect_uri_differs_between_authorize_and_token_request() -> None:
    res = analyze(spa_flow(Har(), token_redirect=f"{SPA}/callback",
                           token_body={"error": "invalid_grant", "error_description": "AADSTS50148: The code_verifier"
                                       " does not match the code_challenge supplied in the authorization request."},
                           token_status=400))
    assert causes(res)["auth_code_invalid"] >= 0.7
    assert f"names redirect_uri {SPA}/callback" in problems(res)
    assert any("invalid_grant" in t[1] for t in res.texts)


def test_browser_returned_to_another_host_than_redirect_uri() -> None:
    h = Har()
    h.add("GET", f"{APP}/plugins/servlet/oauth2/authorize?id=7", 302,
          location=authorize_url(redirect_uri="http://jira-node1.internal:8080/plugins/servlet/oauth/callback"))
    h.add("GET", authorize_url(redirect_uri="http://jira-node1.internal:8080/plugins/servlet/oauth/callback"), 200)
    back = f"{CALLBACK}?code={CANARY_CODE}&state=st-1a2b3c"
    h.add("GET", back, 200)
    res = analyze(h)
    text = problems(res)
    assert "came back to https://jira.example.com/plugins/servlet/oauth/callback" in text
    assert "sign-in started at https://jira.example.com" in text
    assert causes(res)["redirect_uri_mismatch"] >= 0.5


def test_cookie_set_then_missing_on_cross_site_form_post() -> None:
    h = Har()
    h.add("GET", f"{APP}/login", 302, location=authorize_url(response_mode="form_post"),
          set_cookies=[f"oidc_nonce={CANARY_COOKIE}; Path=/; Secure; HttpOnly",
                       "AWSALB=abcdefCANARYalb; Path=/; Expires=Thu, 09 May 2030 10:00:00 GMT"])
    h.add("GET", authorize_url(response_mode="form_post"), 200)
    page = (f'<form method="post" action="{CALLBACK}"><input type="hidden" name="code" value="{CANARY_CODE}">'
            '<input type="hidden" name="state" value="st-1a2b3c"></form>')
    h.add("POST", f"{IDP}/{TENANT}/kmsi", 200, body=page)
    h.add("POST", CALLBACK, 302, form={"code": CANARY_CODE, "state": "st-1a2b3c"}, cookies={"other": "1"},
          req_headers={"Sec-Fetch-Site": "cross-site"}, location=f"{APP}/login")
    res = analyze(h)
    text = "\n".join(res.flows[0]["problems"])
    assert "cookie oidc_nonce set by request #1 was not sent with request #4" in text
    assert "Lax cookies are not sent on cross-site POSTs" in text
    assert causes(res)["browser_cookies_blocked"] >= 0.75
    assert causes(res)["session_affinity_broken"] >= 0.6  # AWSALB lost too


def test_samesite_none_without_secure_is_rejected() -> None:
    h = Har()
    h.add("GET", f"{APP}/login", 302, location=authorize_url(), cookies={"x": "1"},
          set_cookies=["sid=CANARYcookieSid; Path=/; SameSite=None"])
    h.add("GET", authorize_url(), 200)
    back = f"{CALLBACK}?code={CANARY_CODE}&state=st-1a2b3c"
    h.add("GET", back, 200, cookies={"x": "1"})
    res = analyze(h)
    assert "SameSite=None but without Secure" in "\n".join(res.flows[0]["problems"])


def test_token_endpoint_error_body_through_the_kb(tmp_path: Path) -> None:
    h = spa_flow(Har(), token_status=400, token_body={
        "error": "invalid_grant", "error_description": "AADSTS54005: OAuth2 Authorization code was already redeemed, "
        "please retry with a new valid code or use an existing refresh token.", "error_codes": [54005],
        "timestamp": "2024-05-02 10:00:03Z", "trace_id": "0f1e2d3c-aaaa-bbbb-cccc-444455556666",
        "correlation_id": "9a8b7c6d-1111-2222-3333-444455556666"})
    res = analyze(h)
    assert any("AADSTS54005" in t[1] for t in res.texts)
    assert "correlation_id 9a8b7c6d-1111-2222-3333-444455556666" in problems(res)
    r = run_cli("diagnose", str(h.write(tmp_path / "spa.har")), "--format", "json")
    data = json.loads(r.stdout)
    assert r.returncode == 1 and any(f["entry"] == "oauth-invalid-grant" or "54005" in f["entry"]
                                     for f in data["findings"])


def test_token_endpoint_5xx_without_body() -> None:
    res = analyze(spa_flow(Har(), token_status=503, token_body={}))
    assert "provider_unavailable" in causes(res)


def test_redirect_loop() -> None:
    h = Har()
    for i in range(4):
        h.add("GET", f"{APP}/login", 302, location=authorize_url(state=f"s{i}"))
        h.add("GET", authorize_url(state=f"s{i}"), 302, location=f"{CALLBACK}?code={CANARY_CODE}{i}&state=s{i}")
        h.add("GET", f"{CALLBACK}?code={CANARY_CODE}{i}&state=s{i}", 302, location=f"{APP}/login")
    res = analyze(h)
    assert "redirect loop: client " + CLIENT in problems(res)
    assert "browser_cookies_blocked" in causes(res)


def test_slow_callback_points_at_the_server_side_token_call() -> None:
    h = Har()
    h.add("GET", authorize_url(), 200)
    back = f"{CALLBACK}?code={CANARY_CODE}&state=st-1a2b3c"
    h.add("POST", f"{IDP}/{TENANT}/kmsi", 302, location=back)
    h.add("GET", back, 504, ms=30_500)
    res = analyze(h)
    assert "took 30.5 s" in problems(res)
    assert "network_blocked" in causes(res)
    step = next(s for s in res.flows[1]["steps"] if s["role"] == "callback")
    assert step["slow"] is True


def test_graph_token_sent_to_own_api() -> None:
    h = spa_flow(Har())
    h.add("GET", "https://api.example.com/orders", 401, req_headers={"Authorization": f"Bearer {graph_token(rsa_key('g1'))}"},
          json_body={"error": "invalid_token"}, rtype="fetch")
    res = analyze(h)
    assert causes(res)["token_wrong_audience"] >= 0.8


def test_no_refresh_token_in_browser_token_response() -> None:
    res = analyze(spa_flow(Har(), scope="openid api://orders/Orders.Read", token_body={
        "token_type": "Bearer", "expires_in": 3599, "scope": "api://orders/Orders.Read",
        "access_token": "eyJ0eXAiOiJKV1QifQ.e30.c2ln"}))
    assert causes(res)["scope_offline_access_missing"] >= 0.7


def test_truncated_capture_is_analysed_up_to_the_cut(tmp_path: Path) -> None:
    data = json.dumps(two_node_har().dump()).encode()
    cut = data[: data.index(b'"startedDateTime"', len(data) // 2)]
    path = tmp_path / "cut.har"
    path.write_bytes(cut)
    res = read(io.BytesIO(cut), "cut.har", cut[:8192])
    assert res.capture.truncated and "truncated" in res.notes[0]
    assert 0 < res.capture.entries < 8
    r = run_cli("har", "flows", str(path))
    assert r.returncode in (0, 1) and b"truncated" in r.stdout
    r = run_cli("diagnose", str(path), "--format", "json")
    assert any("truncated" in n for n in json.loads(r.stdout)["notes"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is a log line, not JSON\n", b"not JSON, so not a HAR capture"),
        (b'{"traceEvents": [{"name": "x"}]}', b"JSON, but not a HAR capture"),
        (b'[{"request": {}}]', b"JSON, but not a HAR capture"),
    ],
)
def test_har_commands_refuse_what_is_not_a_har(tmp_path: Path, content: bytes, message: bytes) -> None:
    path = tmp_path / "capture.har"
    path.write_bytes(content)
    for cmd in ("flows", "sanitize"):
        r = run_cli("har", cmd, str(path))
        assert r.returncode == 2 and r.stdout == b"" and message in r.stderr, r.stderr
        assert len(r.stderr.splitlines()) == 1


def test_invalid_json_after_a_har_head(tmp_path: Path) -> None:
    path = tmp_path / "broken.har"
    path.write_bytes(b'{"log": {"version": "1.2", "entries": [ {"request": nonsense } ] } }')
    with pytest.raises(NotHarError, match="not valid JSON"):
        read(io.BytesIO(path.read_bytes()), "broken.har", path.read_bytes())


def test_capture_without_oauth_flow_says_so() -> None:
    h = Har()
    h.add("GET", "https://www.example.com/", 200)
    res = analyze(h)
    assert any("no OAuth/OIDC flow" in n for n in res.notes)


def test_har_flows_formats(tmp_path: Path) -> None:
    path = two_node_har().write(tmp_path / "c.har")
    text = run_cli("har", "flows", str(path))
    assert text.returncode == 1
    assert b"Flow 1: client" in text.stdout and b"[node3]" in text.stdout and b"callback" in text.stdout
    js = run_cli("har", "flows", str(path), "--format", "json")
    data = json.loads(js.stdout)
    assert data["schema"] == "authdoctor.har-flows/1" and data["causes"][0]["id"] == "session_affinity_broken"
    md = run_cli("har", "flows", str(path), "--format", "markdown")
    assert b"| # | time | status |" in md.stdout


def test_diagnose_renders_the_timeline_in_text_and_markdown(tmp_path: Path) -> None:
    path = two_node_har().write(tmp_path / "c.har")
    text = run_cli("diagnose", str(path))
    assert b"Evidence decoded" in text.stdout and b"Flow 1: client" in text.stdout
    md = run_cli("diagnose", str(path), "--format", "markdown")
    assert b"## Evidence decoded" in md.stdout and b"| 7 |" in md.stdout


def test_healthy_single_node_flow_raises_no_structural_cause() -> None:
    h = Har(browser="firefox")
    h.add("GET", f"{APP}/plugins/servlet/oauth2/authorize?id=7", 302, cookies={"JSESSIONID": "AB12.node1"},
          resp_headers={"X-ANODEID": "node1"}, location=authorize_url(challenge=CHALLENGE),
          set_cookies=["oauth_state=xyz; Path=/; Secure; HttpOnly; SameSite=None", "theme=dark; Path=/"])
    h.add("GET", authorize_url(challenge=CHALLENGE), 200, cookies={"esctx": "idp-cookie"},
          set_cookies=["buid=1; Domain=login.microsoftonline.com; Path=/; Secure; SameSite=None"])
    back = f"{CALLBACK}?code={CANARY_CODE}&state=st-1a2b3c"
    h.add("POST", f"{IDP}/{TENANT}/kmsi", 302, location=back, cookies={"esctx": "idp-cookie", "buid": "1"})
    h.add("GET", back, 302, cookies={"JSESSIONID": "AB12.node1", "oauth_state": "xyz", "theme": "dark"},
          resp_headers={"X-ANODEID": "node1"}, location=f"{APP}/secure/admin/IncomingMailServers.jspa")
    h.add("GET", f"{APP}/secure/admin/IncomingMailServers.jspa", 200,
          cookies={"JSESSIONID": "AB12.node1", "oauth_state": "xyz", "theme": "dark"}, resp_headers={"X-ANODEID": "node1"})
    res = analyze(h)
    assert res.causes == [], res.causes
    assert res.flows[0]["nodes"] == ["node1"] and res.flows[1]["problems"] == []


def test_since_until_apply_to_capture_entries_too(tmp_path: Path) -> None:
    path = two_node_har().write(tmp_path / "jira-mail.har")  # captured 2024-05-02 10:00 UTC

    def entries(*window: str) -> set[str]:
        r = run_cli("diagnose", str(path), "--format", "json", *window)
        return {f["entry"] for f in json.loads(r.stdout)["findings"]}

    seed = "atlassian-oauth-token-already-marked-invalid"
    assert seed in entries("--since", "2024-05-02T09:59Z", "--until", "2024-05-02")
    assert seed not in entries("--until", "2024-05-01")
    assert seed not in entries("--since", "2024-05-02T10:30Z")
