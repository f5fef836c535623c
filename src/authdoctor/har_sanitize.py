"""Removes secrets from a HAR capture so it can be attached to a ticket.

Requests *and* responses are cleaned: authorization codes, access/refresh/ID tokens,
cookies, passwords, client secrets and assertions, SAML messages, ``Authorization``
headers, API keys, and the same values wherever they hide (URLs, form bodies, JSON and
HTML responses, redirect targets). A JWT keeps its header and claims — they are what a
support engineer reads — but loses its signature, so it can no longer be replayed.
Route values of load balancers (the ``.node1`` suffix of ``JSESSIONID``, ``ROUTEID``,
``BIGipServer*``) are kept so a node hop stays visible.

The capture is streamed (``ijson`` events, one entry built at a time) into a spooled
file, so the output appears only when the input was read to its end: a truncated capture
fails cleanly instead of leaving half a file.
"""

from __future__ import annotations

import base64
import json
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import quote, unquote_plus

import ijson  # type: ignore[import-untyped]

from authdoctor.errors import InputError
from authdoctor.evidence._har_nodes import route_of
from authdoctor.evidence._har_read import is_truncation
from authdoctor.evidence._oauth import is_jwt
from authdoctor.redact import JWT_PATTERN, SECRET_KINDS, marker, redact

_JWT_PARAMS = {"id_token", "access_token", "id_token_hint", "logout_token", "token", "request", "client_assertion",
               "assertion", "subject_token", "actor_token"}
_SECRET_HEADERS = {"x-api-key": "api_key", "api-key": "api_key", "x-auth-token": "token", "x-csrf-token": "csrf",
                   "x-xsrf-token": "csrf", "x-amz-security-token": "token", "ocp-apim-subscription-key": "api_key",
                   "x-goog-api-key": "api_key", "x-ms-refreshtokencredential": "refresh_token",
                   "x-ms-refreshtokencrediential": "refresh_token", "dpop": "dpop_proof"}
_JWT_ANY = re.compile(r"\b" + JWT_PATTERN)
_INPUT = re.compile(r"<input\b[^>]{0,4000}>", re.I)
_NAME = re.compile(r"""\bname\s*=\s*["']?([\w.:-]{1,80})""", re.I)
_VALUE = re.compile(r"""(\bvalue\s*=\s*)(["'])(.*?)\2""", re.I | re.S)


@dataclass
class Summary:
    """What was removed, by kind, for the stderr report."""

    redacted: Counter[str] = field(default_factory=Counter)
    jwts: int = 0
    routes: int = 0
    entries: int = 0

    def line(self) -> str:
        parts = [f"{n} {kind.replace('_', ' ')}{'s' if n != 1 else ''}" for kind, n in self.redacted.most_common()]
        text = f"sanitized {self.entries} entries; redacted: {', '.join(parts) if parts else 'nothing'}"
        if self.jwts:
            text += f"; {self.jwts} JWT{'s' if self.jwts != 1 else ''} kept readable with the signature removed"
        if self.routes:
            plural = "s" if self.routes != 1 else ""
            text += f"; kept {self.routes} load-balancer route value{plural} (node hops stay visible)"
        return text


class Sanitizer:
    """Cleans one capture; every method returns the cleaned value and counts what it removed."""

    def __init__(self) -> None:
        self.summary = Summary()

    # -- values ---------------------------------------------------------------------------------

    def secret(self, kind: str, value: str) -> str:
        if not value or value.startswith("<"):
            return value
        self.summary.redacted[kind] += 1
        return marker(kind, value)

    def jwt(self, token: str) -> str:
        """Header and claims kept, signature dropped (an unusable token); JWE → marker."""
        parts = token.split(".")
        if len(parts) == 3 and is_jwt(token):
            self.summary.jwts += 1
            return f"{parts[0]}.{parts[1]}."
        return self.secret("jwt", token)

    def param(self, name: str, value: str) -> str:
        low = name.lower()
        if low in _JWT_PARAMS and is_jwt(value):
            return self.jwt(value)
        kind = SECRET_KINDS.get(low)
        if kind is not None:
            return self.secret(kind, value)
        if is_jwt(value):
            return self.jwt(value)
        return self.text(value)

    def text(self, value: str) -> str:
        """Free text: JWTs made readable, everything else through the shared redactor."""
        if not value:
            return value
        saved: list[str] = []

        def hold(m: re.Match[str]) -> str:
            saved.append(self.jwt(m.group(0)))
            return f"\x00{len(saved) - 1}\x00"

        held = _JWT_ANY.sub(hold, value)
        cleaned = redact(held)
        if cleaned != held:
            self.summary.redacted["secret in text"] += cleaned.count("<") - held.count("<") or 1
        return re.sub(r"\x00(\d+)\x00", lambda m: saved[int(m.group(1))], cleaned)

    def query(self, qs: str) -> str:
        out = []
        for part in qs.split("&")[:1000]:
            name, sep, value = part.partition("=")
            if not sep:
                out.append(part)
                continue
            raw = unquote_plus(value)
            clean = self.param(unquote_plus(name), raw)
            out.append(part if clean == raw else f"{name}={quote(clean, safe='.-_~')}")
        return "&".join(out)

    def url(self, url: str) -> str:
        if not url:
            return url
        m = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)([^/@?#]*@)?([^?#]*)(\?[^#]*)?(#.*)?$", url, re.S)
        if not m:
            return self.text(url)
        scheme, userinfo, rest, q, frag = m.groups()
        if userinfo and ":" in userinfo:
            user = userinfo.split(":", 1)[0]
            userinfo = f"{user}:{quote(self.secret('password', userinfo[len(user) + 1:-1]), safe='')}@"
        out = scheme + (userinfo or "") + rest
        if q:
            out += "?" + self.query(q[1:])
        if frag:
            out += "#" + self.query(frag[1:])
        return out

    def cookie_value(self, name: str, value: str) -> str:
        if route_of(name, value) is None:
            return self.secret("cookie", value)
        self.summary.routes += 1
        if name != "JSESSIONID":
            return value  # the whole value names the node (ROUTEID, SERVERID, route, BIGipServer*)
        sid, route = value.rsplit(".", 1)  # route_of found a node suffix: only the session id is secret
        return f"{self.secret('cookie', sid)}.{route}"

    def cookie_header(self, value: str) -> str:
        pairs = []
        for part in value.split(";"):
            name, sep, v = part.partition("=")
            pairs.append(f"{name}={self.cookie_value(name.strip(), v.strip())}" if sep else part)
        return ";".join(pairs)

    def set_cookie(self, value: str) -> str:
        lines = []
        for line in value.split("\n"):
            first, sep, attrs = line.partition(";")
            name, eq, v = first.partition("=")
            lines.append((f"{name}={self.cookie_value(name.strip(), v.strip())}" if eq else first) + sep + attrs)
        return "\n".join(lines)

    def header(self, name: str, value: str) -> str:
        low = name.lower()
        if low in ("authorization", "proxy-authorization"):
            scheme, _, cred = value.partition(" ")
            if not cred:
                return self.secret("authorization", value)
            if scheme.lower() in ("bearer", "dpop") and is_jwt(cred.strip()):
                return f"{scheme} {self.jwt(cred.strip())}"
            kind = {"basic": "basic_auth", "bearer": "bearer_token"}.get(scheme.lower(), "authorization")
            return f"{scheme} {self.secret(kind, cred.strip())}"
        if low == "cookie":
            return self.cookie_header(value)
        if low == "set-cookie":
            return self.set_cookie(value)
        if low in ("location", "referer", "origin", "content-location"):
            return self.url(value)
        if low in _SECRET_HEADERS:
            return self.secret(_SECRET_HEADERS[low], value)
        return self.text(value)

    # -- bodies ---------------------------------------------------------------------------------

    def json_value(self, value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            return {k: self.json_value(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.json_value(v, key) for v in value]
        if isinstance(value, str):
            return self.param(key, value) if key is not None else self.text(value)
        return value

    def html(self, page: str) -> str:
        def clean_input(m: re.Match[str]) -> str:
            tag = m.group(0)
            nm = _NAME.search(tag)
            if nm is None:
                return tag
            name = nm.group(1)
            return _VALUE.sub(lambda v: v.group(1) + v.group(2) + self.param(name, v.group(3)) + v.group(2), tag,
                              count=1)

        return self.text(_INPUT.sub(clean_input, page))

    def body(self, text: str, mime: str) -> str:
        low = mime.lower()
        stripped = text.lstrip()
        if "json" in low or stripped.startswith(("{", "[")):
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                return self.text(text)
            return json.dumps(self.json_value(value), ensure_ascii=False)
        if "x-www-form-urlencoded" in low or (re.fullmatch(r"[\w.~%+*-]+=[^\s]*", stripped) is not None):
            return self.query(text)
        if "html" in low or stripped.startswith("<"):
            return self.html(text)
        return self.text(text)

    # -- structure ------------------------------------------------------------------------------

    def pairs(self, items: Any, kind: str) -> Any:
        if not isinstance(items, list):
            return self.json_value(items)
        out = []
        for it in items:
            if isinstance(it, dict) and isinstance(it.get("name"), str) and isinstance(it.get("value"), str):
                item = dict(it)
                name = item["name"]
                if kind == "header":
                    item["value"] = self.header(name, item["value"])
                elif kind == "cookie":
                    item["value"] = self.cookie_value(name, item["value"])
                else:
                    item["value"] = self.param(name, item["value"])
                out.append({k: (v if k in ("name", "value") else self.json_value(v)) for k, v in item.items()})
            else:
                out.append(self.json_value(it))
        return out

    def content(self, content: Any) -> Any:
        if not isinstance(content, dict) or not isinstance(content.get("text"), str):
            return self.json_value(content)
        c = {k: (v if k in ("text",) else self.json_value(v)) for k, v in content.items()}
        mime = str(content.get("mimeType", ""))
        text = content["text"]
        if str(content.get("encoding", "")).lower() == "base64":
            try:
                raw = base64.b64decode(text, validate=False).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                return c  # binary content (images, fonts): nothing readable to clean
            c["text"] = base64.b64encode(self.body(raw, mime).encode("utf-8")).decode("ascii")
        else:
            c["text"] = self.body(text, mime)
        return c

    def entry(self, e: Any) -> Any:
        if not isinstance(e, dict):
            return self.json_value(e)
        out: dict[str, Any] = {}
        for k, v in e.items():
            if k == "request" and isinstance(v, dict):
                out[k] = self.request(v)
            elif k == "response" and isinstance(v, dict):
                out[k] = self.response(v)
            else:
                out[k] = self.json_value(v)
        self.summary.entries += 1
        return out

    def request(self, r: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in r.items():
            if k == "url" and isinstance(v, str):
                out[k] = self.url(v)
            elif k == "headers":
                out[k] = self.pairs(v, "header")
            elif k == "cookies":
                out[k] = self.pairs(v, "cookie")
            elif k == "queryString":
                out[k] = self.pairs(v, "param")
            elif k == "postData" and isinstance(v, dict):
                pd = {pk: (pv if pk in ("text", "params") else self.json_value(pv)) for pk, pv in v.items()}
                if isinstance(v.get("text"), str):
                    pd["text"] = self.body(v["text"], str(v.get("mimeType", "")))
                if "params" in v:
                    pd["params"] = self.pairs(v["params"], "param")
                out[k] = pd
            else:
                out[k] = self.json_value(v)
        return out

    def response(self, r: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in r.items():
            if k == "headers":
                out[k] = self.pairs(v, "header")
            elif k == "cookies":
                out[k] = self.pairs(v, "cookie")
            elif k == "redirectURL" and isinstance(v, str):
                out[k] = self.url(v)
            elif k == "content":
                out[k] = self.content(v)
            else:
                out[k] = self.json_value(v)
        return out


class _Writer:
    """Writes ijson events back as JSON, with the separators the events imply."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.first: list[bool] = []
        self.after_key = False

    def _sep(self) -> None:
        if self.after_key:
            self.after_key = False
        elif self.first:
            if self.first[-1]:
                self.first[-1] = False
            else:
                self.out.write(",")

    def key(self, name: str) -> None:
        self._sep()
        self.out.write(json.dumps(name, ensure_ascii=False) + ":")
        self.after_key = True

    def value(self, v: Any) -> None:
        self._sep()
        self.out.write(json.dumps(v, ensure_ascii=False, separators=(",", ":")))

    def start(self, ch: str) -> None:
        self._sep()
        self.out.write(ch)
        self.first.append(True)

    def end(self, ch: str) -> None:
        self.first.pop()
        self.out.write(ch)


def sanitize(src: IO[bytes], out: IO[str], name: str = "<har>") -> Summary:
    """Stream ``src`` (a HAR capture) to ``out`` with secrets removed; raises ``InputError``
    on invalid or truncated JSON before anything is written to ``out``."""
    san = Sanitizer()
    spool = tempfile.SpooledTemporaryFile(max_size=32 << 20, mode="w+", encoding="utf-8")  # noqa: SIM115
    with spool:
        w = _Writer(spool)
        builder: Any = None
        depth = 0
        try:
            for prefix, event, value in ijson.parse(src, use_float=True):
                if builder is not None:
                    builder.event(event, value)
                    if event in ("start_map", "start_array"):
                        depth += 1
                    elif event in ("end_map", "end_array"):
                        depth -= 1
                    if depth == 0:
                        w.value(san.entry(builder.value))
                        builder = None
                    continue
                if prefix == "log.entries.item" and event == "start_map":
                    builder = ijson.ObjectBuilder()
                    builder.event(event, value)
                    depth = 1
                elif event == "map_key":
                    w.key(value)
                elif event in ("start_map", "start_array"):
                    w.start("{" if event == "start_map" else "[")
                elif event in ("end_map", "end_array"):
                    w.end("}" if event == "end_map" else "]")
                else:
                    w.value(san.json_value(value) if isinstance(value, str) else value)
        except ijson.JSONError as exc:
            what = "truncated" if is_truncation(exc) else "not valid JSON"
            raise InputError(f"{name}: {what} after {san.summary.entries} entries; nothing was written") from None
        spool.write("\n")
        spool.seek(0)
        while chunk := spool.read(1 << 20):
            out.write(chunk)
    return san.summary
