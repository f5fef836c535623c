"""Builders for realistic, entirely fake evidence: HAR captures as Chrome, Firefox and Safari
export them, signed JWTs, key sets, and canary secrets that must never reach any output.

Nothing here is a real secret: keys are generated per test session, codes and tokens are
made-up strings that contain ``CANARY`` markers so a leak is easy to spot.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from joserfc import jwt as jose_jwt
from joserfc.jwk import OctKey, RSAKey
from joserfc.jws import JWSRegistry

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
CLIENT = "0f3e5c1a-6b1d-4c3e-9a51-7d2c1e0b9f44"
APP = "https://jira.example.com"
IDP = "https://login.microsoftonline.com"
CALLBACK = f"{APP}/plugins/servlet/oauth/callback"

# Secrets planted in fixtures; none of these strings may appear in any output.
CANARY_CODE = "0.AXkCANARYcodeZq9Kx7wPqLmN"
CANARY_SECRET = "Zq9~CANARYsecret7Kx"
CANARY_PASSWORD = "CANARYpasswordZq9Kx7"
CANARY_REFRESH = "0.AXkCANARYrefreshZq9Kx7abcdefghijkl"
CANARY_COOKIE = "CANARYcookie9F8E7D6C5B4A"
CANARY_SAML = "PHNhbWxwOlJlc3BvbnNlIENBTkFSWXNhbWxa" + "CANARYsaml"
CANARY_VERIFIER = "CANARYverifierZq9Kx7wPqLmNoPqRsTuVwXyZ0123456789abc"
CANARIES = [CANARY_CODE, CANARY_SECRET, CANARY_PASSWORD, CANARY_REFRESH, CANARY_COOKIE, CANARY_SAML,
            CANARY_VERIFIER, "CANARY"]


def run_cli(*args: str, stdin: bytes | None = None, timeout: int = 180) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "authdoctor", *args], input=stdin, capture_output=True,
                          timeout=timeout, check=False)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


# --- keys and tokens -------------------------------------------------------------------------------


def rsa_key(kid: str, bits: int = 2048) -> RSAKey:
    with warnings.catch_warnings():  # 1024-bit keys warn; they are made on purpose (WeakRsaKey)
        warnings.simplefilter("ignore")
        return RSAKey.generate_key(bits, parameters={"kid": kid, "alg": "RS256", "use": "sig"}, private=True)


def jwks(*keys: RSAKey) -> dict[str, Any]:
    return {"keys": [k.as_dict(private=False) for k in keys]}


def sign(claims: dict[str, Any], key: RSAKey | OctKey, header: dict[str, Any] | None = None) -> str:
    hdr = {"alg": "RS256" if isinstance(key, RSAKey) else "HS256", "typ": "JWT", **(header or {})}
    if isinstance(key, RSAKey) and key.kid and "kid" not in hdr:
        hdr["kid"] = key.kid
    reg = JWSRegistry(algorithms=[hdr["alg"]], strict_check_header=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jose_jwt.encode(hdr, claims, key, algorithms=[hdr["alg"]], registry=reg)


def unsigned(claims: dict[str, Any], header: dict[str, Any] | None = None) -> str:
    hdr = {"alg": "none", "typ": "JWT", **(header or {})}
    return f"{b64url(json.dumps(hdr).encode())}.{b64url(json.dumps(claims).encode())}."


def now() -> int:
    return int(datetime.now(UTC).timestamp())


def entra_claims(**extra: Any) -> dict[str, Any]:
    t = now()
    claims: dict[str, Any] = {
        "aud": f"api://{CLIENT}", "iss": f"https://login.microsoftonline.com/{TENANT}/v2.0", "iat": t - 60,
        "nbf": t - 60, "exp": t + 3600, "tid": TENANT, "oid": "9b2c1d3e-0000-4a5b-8c7d-111122223333",
        "scp": "Mail.Read User.Read", "azp": CLIENT, "azpacr": "1", "ver": "2.0", "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
        "name": "Dana Admin", "preferred_username": "dana@contoso.example",
    }
    claims.update(extra)
    return claims


def graph_token(key: RSAKey) -> str:
    """Shaped like a Microsoft Graph access token: Graph audience, v1 issuer, nonce in the header."""
    return sign(entra_claims(aud="00000003-0000-0000-c000-000000000000", ver="1.0",
                             iss=f"https://sts.windows.net/{TENANT}/", appid=CLIENT),
                key, {"nonce": "gN0nce-graph-header-value", "x5t": key.kid})


# --- HAR ----------------------------------------------------------------------------------------------


@dataclass
class Har:
    """Builds a HAR 1.2 capture entry by entry; ``browser`` shapes the export like that browser's."""

    browser: str = "chrome"
    t: datetime = field(default_factory=lambda: datetime(2024, 5, 2, 10, 0, 0, tzinfo=UTC))
    entries: list[dict[str, Any]] = field(default_factory=list)

    def _h(self, name: str) -> str:
        return name.lower() if self.browser in ("chrome", "edge") else name.title()

    def add(self, method: str, url: str, status: int = 200, *, req_headers: dict[str, str] | None = None,
            resp_headers: dict[str, str] | None = None, cookies: dict[str, str] | None = None,
            set_cookies: list[str] | None = None, form: dict[str, str] | None = None, body: str | None = None,
            mime: str = "text/html", ms: float = 80.0, location: str | None = None, gap_ms: float = 120.0,
            rtype: str = "document", json_body: dict[str, Any] | None = None) -> Har:
        self.t += timedelta(milliseconds=gap_ms)
        headers = [{"name": self._h(k), "value": v} for k, v in (req_headers or {}).items()]
        if cookies:
            headers.append({"name": self._h("cookie"), "value": "; ".join(f"{k}={v}" for k, v in cookies.items())})
        rheaders = [{"name": self._h(k), "value": v} for k, v in (resp_headers or {}).items()]
        if location:
            rheaders.append({"name": self._h("location"), "value": location})
        if set_cookies:
            if self.browser == "firefox":
                rheaders.append({"name": "Set-Cookie", "value": "\n".join(set_cookies)})
            else:
                rheaders += [{"name": self._h("set-cookie"), "value": c} for c in set_cookies]
        if json_body is not None:
            body, mime = json.dumps(json_body), "application/json"
        request: dict[str, Any] = {
            "method": method, "url": url, "httpVersion": "HTTP/2" if self.browser == "chrome" else "HTTP/1.1",
            "headers": headers, "queryString": [], "headersSize": -1, "bodySize": 0,
            "cookies": [{"name": k, "value": v} for k, v in (cookies or {}).items()] if self.browser != "safari" else [],
        }
        if form is not None:
            text = urlencode(form, quote_via=quote)
            request["postData"] = {"mimeType": "application/x-www-form-urlencoded", "text": text}
            if self.browser == "firefox":
                request["postData"]["params"] = [{"name": k, "value": v} for k, v in form.items()]
            request["bodySize"] = len(text)
        content: dict[str, Any] = {"size": len(body or ""), "mimeType": mime}
        if body is not None:
            content["text"] = body
        entry: dict[str, Any] = {
            "startedDateTime": self.t.isoformat().replace("+00:00", "Z"),
            "time": ms,
            "request": request,
            "response": {
                "status": status, "statusText": "", "httpVersion": request["httpVersion"], "headers": rheaders,
                "cookies": [], "content": content,
                "redirectURL": "" if self.browser == "safari" else (location or ""),
                "headersSize": -1, "bodySize": len(body or ""),
            },
            "cache": {}, "timings": {"blocked": -1, "dns": -1, "connect": -1, "send": 0, "wait": ms * 0.9,
                                     "receive": ms * 0.1, "ssl": -1},
        }
        if self.browser in ("chrome", "edge"):
            entry["_resourceType"] = rtype
            entry["serverIPAddress"] = "203.0.113.10"
        self.entries.append(entry)
        self.t += timedelta(milliseconds=ms)
        return self

    def dump(self) -> dict[str, Any]:
        creator = {"chrome": ("WebInspector", "537.36"), "edge": ("WebInspector", "537.36"),
                   "firefox": ("Firefox", "125.0"), "safari": ("WebKit Web Inspector", "1.0")}[self.browser]
        log: dict[str, Any] = {"version": "1.2", "creator": {"name": creator[0], "version": creator[1]}}
        if self.browser == "firefox":
            log["browser"] = {"name": "Firefox", "version": "125.0"}
        log["pages"] = [{"startedDateTime": self.entries[0]["startedDateTime"] if self.entries else "",
                         "id": "page_1", "title": APP, "pageTimings": {}}]
        log["entries"] = self.entries
        return {"log": log}

    def write(self, path: Path) -> Path:
        path.write_text(json.dumps(self.dump(), indent=2))
        return path


def authorize_url(state: str = "st-1a2b3c", nonce: str | None = None, challenge: str | None = None,
                  method: str | None = "S256", redirect_uri: str = CALLBACK, response_type: str = "code",
                  response_mode: str | None = None,
                  scope: str = "https://outlook.office.com/IMAP.AccessAsUser.All offline_access") -> str:
    p = {"client_id": CLIENT, "response_type": response_type, "redirect_uri": redirect_uri, "scope": scope,
         "state": state}
    if nonce:
        p["nonce"] = nonce
    if response_mode:
        p["response_mode"] = response_mode
    if challenge:
        p["code_challenge"] = challenge
        if method:
            p["code_challenge_method"] = method
    return f"{IDP}/{TENANT}/oauth2/v2.0/authorize?" + urlencode(p, quote_via=quote)


def login_steps(h: Har) -> None:
    """The provider's login pages: the user types a password (a canary)."""
    h.add("GET", f"{IDP}/{TENANT}/oauth2/v2.0/authorize/login", 200, ms=300)
    h.add("POST", f"{IDP}/{TENANT}/login", 200, form={"login": "dana@contoso.example", "passwd": CANARY_PASSWORD,
                                                      "flowToken": "AQABAAEAAAD--DLA3VO7QrddgJg7Wevr"}, ms=900)


def two_node_har(browser: str = "chrome") -> Har:
    """Seed 003 root cause 13: the callback of a Jira DC mail-handler authorization lands on another node."""
    h = Har(browser=browser)
    h.add("GET", f"{APP}/secure/admin/IncomingMailServers.jspa", 200,
          cookies={"JSESSIONID": f"{CANARY_COOKIE}.node1", "atlassian.xsrf.token": "BWP3-CANARYxsrf"},
          resp_headers={"X-ANODEID": "node1"})
    h.add("GET", f"{APP}/plugins/servlet/oauth2/authorize?id=7", 302, cookies={"JSESSIONID": f"{CANARY_COOKIE}.node1"},
          resp_headers={"X-ANODEID": "node1"}, location=authorize_url())
    h.add("GET", authorize_url(), 200, ms=250)
    login_steps(h)
    back = f"{CALLBACK}?code={CANARY_CODE}&state=st-1a2b3c&session_state=5a1c9f0e-aaaa-bbbb-cccc-0123456789ab"
    h.add("POST", f"{IDP}/{TENANT}/kmsi", 302, location=back, form={"LoginOptions": "1"})
    h.add("GET", back, 302, cookies={"JSESSIONID": f"{CANARY_COOKIE}.node1"}, resp_headers={"X-ANODEID": "node3"},
          set_cookies=["JSESSIONID=A1B2C3D4E5F6CANARYnew.node3; Path=/; Secure; HttpOnly"],
          location=f"{APP}/secure/admin/IncomingMailServers.jspa")
    h.add("GET", f"{APP}/secure/admin/IncomingMailServers.jspa", 500,
          cookies={"JSESSIONID": "A1B2C3D4E5F6CANARYnew.node3"}, resp_headers={"X-ANODEID": "node3"},
          body="Failed to retrieve the OAuth token. Try authorizing again or contact your Jira system admin. "
               "Details: Token already marked as invalid", mime="text/plain")
    return h


def secret_har(browser: str = "chrome") -> Har:
    """Every place a secret hides in a capture, each holding a canary."""
    key = rsa_key("k-secret")
    id_token = sign(entra_claims(aud=CLIENT, nonce="n-1"), key)
    access = sign(entra_claims(), key)
    h = Har(browser=browser)
    h.add("GET", f"https://svc:{CANARY_PASSWORD}@proxy.example.com/health", 200)
    h.add("GET", f"{APP}/login", 302, location=authorize_url(nonce="n-1"),
          set_cookies=[f"JSESSIONID={CANARY_COOKIE}.node1; Path=/; Secure", f"AWSALB={CANARY_COOKIE}x; Path=/"])
    h.add("GET", authorize_url(nonce="n-1"), 200, cookies={"ESTSAUTH": CANARY_COOKIE + "ests"})
    login_steps(h)
    h.add("POST", f"{IDP}/{TENANT}/kmsi", 302, location=f"{CALLBACK}?code={CANARY_CODE}&state=st-1a2b3c")
    h.add("GET", f"{CALLBACK}?code={CANARY_CODE}&state=st-1a2b3c", 200, cookies={"JSESSIONID": f"{CANARY_COOKIE}.node1"})
    h.add("POST", f"{IDP}/{TENANT}/oauth2/v2.0/token", 200,
          form={"grant_type": "authorization_code", "code": CANARY_CODE, "client_id": CLIENT,
                "client_secret": CANARY_SECRET, "redirect_uri": CALLBACK, "code_verifier": CANARY_VERIFIER},
          req_headers={"Authorization": "Basic " + base64.b64encode(f"{CLIENT}:{CANARY_SECRET}".encode()).decode()},
          json_body={"token_type": "Bearer", "expires_in": 3599, "access_token": access, "id_token": id_token,
                     "refresh_token": CANARY_REFRESH, "scope": "openid offline_access"})
    h.add("GET", "https://graph.microsoft.com/v1.0/me", 200, req_headers={"Authorization": f"Bearer {access}",
                                                                          "X-Api-Key": "CANARYapikeyZq9"},
          json_body={"displayName": "Dana"})
    h.add("POST", "https://sp.example.com/saml/SSO", 200, form={"SAMLResponse": CANARY_SAML, "RelayState": "/home"})
    page = (f'<form method="post" action="{CALLBACK}"><input type="hidden" name="code" value="{CANARY_CODE}"/>'
            f'<input type="hidden" name="id_token" value="{id_token}"/></form>')
    h.add("POST", f"{IDP}/{TENANT}/kmsi", 200, body=page)
    encoded = base64.b64encode(json.dumps({"refresh_token": CANARY_REFRESH, "access_token": access}).encode()).decode()
    h.add("POST", f"{IDP}/{TENANT}/oauth2/v2.0/token", 200, form={"grant_type": "refresh_token",
                                                                   "refresh_token": CANARY_REFRESH})
    h.entries[-1]["response"]["content"] = {"size": 10, "mimeType": "application/json", "encoding": "base64",
                                            "text": encoded}
    return h


def signatures(h: Har) -> list[str]:
    """The signature segments of every JWT in the capture: they must never be output."""
    import re as _re

    return sorted({m.group(1) for m in _re.finditer(r"eyJ[\w-]+\.eyJ[\w-]+\.([\w-]{20,})", json.dumps(h.dump()))})


# VmHWM belongs to this process's address space and starts afresh at exec; ru_maxrss
# would carry over the peak of the (large) pytest process the child was forked from.
_RSS_WRAPPER = (
    "import atexit, re, runpy, sys\n"
    "def _hwm():\n"
    "    return int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
    "atexit.register(lambda: sys.stderr.write(f'\\nMAXRSS_KIB {_hwm()}\\n'))\n"
    "sys.argv = ['authdoctor', *sys.argv[1:]]\n"
    "runpy.run_module('authdoctor', run_name='__main__')\n"
)


def run_cli_rss(*args: str, timeout: int = 600) -> tuple[subprocess.CompletedProcess[bytes], int]:
    """Run the CLI and return its own peak resident memory in KiB (Linux ru_maxrss)."""
    r = subprocess.run([sys.executable, "-c", _RSS_WRAPPER, *args], capture_output=True, timeout=timeout,
                       check=False)
    marker = r.stderr.rsplit(b"MAXRSS_KIB ", 1)
    assert len(marker) == 2, r.stderr[-500:]
    return r, int(marker[1].split()[0])
