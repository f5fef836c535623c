"""Streams a HAR 1.2 capture into compact steps, one per request, in bounded memory.

Browsers export HAR differently — Chrome and Edge lower-case HTTP/2 header names and may
drop cookies in a "sanitized" export, Firefox joins several Set-Cookie headers with line
breaks and fills ``postData.params``, Safari leaves ``redirectURL`` empty and times as
floats — so every field is read defensively. ``ijson`` parses the file incrementally:
one entry is built at a time and reduced to a ``Step`` that keeps only what the flow
analysis needs (bodies only when small and relevant), so a 500 MB capture costs the
memory of its largest entry, not of the file.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import IO, Any

import ijson  # type: ignore[import-untyped]

from authdoctor.evidence._oauth import Url, parse_params, split_url

MAX_STEPS = 20_000
MAX_BODY = 64 * 1024
MAX_KEPT_BODIES = 16 << 20  # all kept response bodies together; later ones are cut to 2 KiB
MAX_DECODE = 256 * 1024
_STATIC_TYPES = ("image", "font", "stylesheet", "script", "media", "manifest", "texttrack")
_STATIC_MIME = re.compile(r"^(image/|font/|audio/|video/|text/css|application/(x-)?javascript|text/javascript|"
                          r"application/font|application/wasm)")
_AADSTS_SNIPPET = re.compile(r"AADSTS\d{4,7}(?:[^\"<\\]|\\u[0-9a-fA-F]{4}|\\[^u]){0,400}")
_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_FORM_POST = re.compile(r"<form[^>]{0,400}method=[\"']?post", re.I)
_FORM_KEYS = re.compile(r"name=[\"']?(code|id_token|access_token|state|error|SAMLResponse)[\"']?", re.I)


@dataclass
class SetCookie:
    name: str
    value: str
    samesite: str | None = None
    secure: bool = False
    path: str = "/"
    domain: str | None = None
    deleted: bool = False
    expires_at: float | None = None


@dataclass
class Step:
    """One request/response of the capture, reduced to what the analysis reads."""

    index: int
    url: Url
    method: str
    status: int
    started: float | None = None
    started_iso: str | None = None
    ms: float | None = None
    wait_ms: float | None = None
    location: str | None = None
    form: dict[str, str] = field(default_factory=dict)
    req_cookies: dict[str, str] = field(default_factory=dict)
    cookies_recorded: bool = False
    set_cookies: list[SetCookie] = field(default_factory=list)
    node_header: str | None = None
    bearer: str | None = None
    client_auth: bool = False
    sec_fetch_site: str | None = None
    mime: str = ""
    body: str | None = None
    snippets: list[str] = field(default_factory=list)
    form_post: tuple[str | None, dict[str, str]] | None = None
    static: bool = False
    cors_ok: bool | None = None

    @property
    def params(self) -> dict[str, str]:
        return {**self.url.params, **self.form}


@dataclass
class Capture:
    name: str
    steps: list[Step] = field(default_factory=list)
    entries: int = 0
    dropped: int = 0
    creator: str | None = None
    truncated: str | None = None
    error: str | None = None
    bytes_read: int = 0
    body_bytes: int = 0


class CountingReader:
    """Counts bytes handed to the parser, to say where a truncated file ended."""

    def __init__(self, inner: IO[bytes]) -> None:
        self._inner = inner
        self.count = 0

    def read(self, n: int = -1) -> bytes:
        data = self._inner.read(n)
        self.count += len(data)
        return data


def _s(v: Any) -> str:
    return v if isinstance(v, str) else ("" if v is None else str(v))


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v) if v >= 0 else None


def _headers(items: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if not isinstance(items, list):
        return out
    for h in items[:500]:
        if isinstance(h, dict):
            name = _s(h.get("name")).lower().strip()
            if name:
                out.setdefault(name, []).extend(_s(h.get("value")).split("\n") if name == "set-cookie"
                                                else [_s(h.get("value"))])
    return out


def parse_set_cookie(line: str, now: float | None) -> SetCookie | None:
    parts = line.split(";")
    name, sep, value = parts[0].partition("=")
    if not sep or not name.strip():
        return None
    c = SetCookie(name=name.strip(), value=value.strip().strip('"'))
    for attr in parts[1:20]:
        k, _, v = attr.strip().partition("=")
        k = k.lower()
        if k == "samesite":
            c.samesite = v.strip().capitalize() or None
        elif k == "secure":
            c.secure = True
        elif k == "path" and v.startswith("/"):
            c.path = v.strip()
        elif k == "domain" and v.strip():
            c.domain = v.strip().lstrip(".").lower()
        elif k == "max-age":
            try:
                age = int(v.strip())
            except ValueError:
                continue
            if age <= 0:
                c.deleted = True
            elif now is not None:
                c.expires_at = now + age
        elif k == "expires":
            try:
                ts = parsedate_to_datetime(v.strip()).timestamp()
            except (TypeError, ValueError, IndexError, OverflowError):
                continue
            if c.expires_at is None:
                c.expires_at = ts
    if c.expires_at is not None and now is not None and c.expires_at <= now:
        c.deleted = True
    return c


def _time(v: Any) -> tuple[float | None, str | None]:
    text = _s(v).strip()
    if not text:
        return None, None
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None, None
    if dt.tzinfo is None:
        return None, text
    return dt.timestamp(), dt.isoformat(timespec="milliseconds")


def _body(content: Any) -> tuple[str, str | None]:
    if not isinstance(content, dict):
        return "", None
    mime = _s(content.get("mimeType")).lower()
    text = content.get("text")
    if not isinstance(text, str) or not text:
        return mime, None
    if len(text) > MAX_DECODE * 2:
        return mime, None
    if _s(content.get("encoding")).lower() == "base64":
        try:
            text = base64.b64decode(text[: MAX_DECODE * 2], validate=False).decode("utf-8", "replace")
        except ValueError:
            return mime, None
    return mime, text[:MAX_DECODE]


def step_from_entry(entry: dict[str, Any], index: int) -> Step | None:
    """A ``Step`` from one HAR entry; ``None`` when the entry has no usable request URL."""
    req = entry.get("request") if isinstance(entry.get("request"), dict) else {}
    resp = entry.get("response") if isinstance(entry.get("response"), dict) else {}
    assert isinstance(req, dict) and isinstance(resp, dict)
    url = split_url(_s(req.get("url"))[:1 << 16])
    if url is None:
        return None
    started, iso = _time(entry.get("startedDateTime"))
    status = resp.get("status")
    step = Step(index=index, url=url, method=_s(req.get("method")).upper() or "GET",
                status=int(status) if isinstance(status, (int, float)) and not isinstance(status, bool) else 0,
                started=started, started_iso=iso, ms=_num(entry.get("time")))
    timings = entry.get("timings")
    if isinstance(timings, dict):
        step.wait_ms = _num(timings.get("wait"))
    rq = _headers(req.get("headers"))
    rs = _headers(resp.get("headers"))
    step.location = _s(resp.get("redirectURL")) or (rs.get("location") or [""])[0] or None
    _request_cookies(step, req, rq)
    for line in rs.get("set-cookie", [])[:100]:
        c = parse_set_cookie(line, started)
        if c is not None:
            step.set_cookies.append(c)
    _cookie_list(step, resp.get("cookies"), started)
    for name in NODE_HEADERS:
        if rs.get(name):
            step.node_header = rs[name][0].strip()[:80]
            break
    auth = (rq.get("authorization") or [""])[0]
    if auth.lower().startswith("bearer "):
        step.bearer = auth[7:].strip()[:16384]
    elif auth.lower().startswith("basic "):
        step.client_auth = True
    fetch_site = rq.get("sec-fetch-site")
    step.sec_fetch_site = fetch_site[0] if fetch_site else None
    if "origin" in rq:
        step.cors_ok = bool(rs.get("access-control-allow-origin"))
    _post(step, req.get("postData"))
    mime, text = _body(resp.get("content"))
    step.mime = mime
    rtype = _s(entry.get("_resourceType")).lower()
    step.static = (rtype in _STATIC_TYPES or bool(_STATIC_MIME.match(mime))) and step.status < 400
    if text and not step.static:
        _keep_body(step, mime, text)
    return step


#: response headers that name the cluster node that answered (Atlassian Data Center: X-ANODEID)
NODE_HEADERS = ("x-anodeid", "x-node", "x-node-id", "x-nodeid", "x-backend-server", "x-served-by-node",
                "x-upstream-node", "x-server-node")


def _request_cookies(step: Step, req: dict[str, Any], rq: dict[str, list[str]]) -> None:
    for line in rq.get("cookie", [])[:10]:
        step.cookies_recorded = True
        for part in line.split(";")[:200]:
            k, sep, v = part.strip().partition("=")
            if sep and k:
                step.req_cookies.setdefault(k, v)
    items = req.get("cookies")
    if isinstance(items, list) and items:
        step.cookies_recorded = True
        for c in items[:200]:
            if isinstance(c, dict) and _s(c.get("name")):
                step.req_cookies.setdefault(_s(c.get("name")), _s(c.get("value")))


def _cookie_list(step: Step, items: Any, now: float | None) -> None:
    if not isinstance(items, list):
        return
    have = {c.name for c in step.set_cookies}
    for c in items[:100]:
        if not isinstance(c, dict) or not _s(c.get("name")) or _s(c.get("name")) in have:
            continue
        sc = SetCookie(name=_s(c.get("name")), value=_s(c.get("value")), secure=bool(c.get("secure")),
                       path=_s(c.get("path")) or "/", domain=_s(c.get("domain")).lstrip(".").lower() or None,
                       samesite=_s(c.get("sameSite")).capitalize() or None)
        exp, _ = _time(c.get("expires"))
        if exp is not None and now is not None and exp <= now:
            sc.deleted = True
        sc.expires_at = exp
        step.set_cookies.append(sc)


def _post(step: Step, post: Any) -> None:
    if not isinstance(post, dict):
        return
    mime = _s(post.get("mimeType")).lower()
    text = post.get("text")
    if isinstance(text, str) and text:
        text = text[:MAX_BODY]
        if "json" in mime or text.lstrip().startswith("{"):
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                value = None
            if isinstance(value, dict):
                step.form = {str(k): _s(v)[:4096] for k, v in list(value.items())[:100] if not isinstance(v, dict)}
        elif "=" in text and "multipart" not in mime:
            step.form = parse_params(text.strip())
    params = post.get("params")
    if not step.form and isinstance(params, list):
        for p in params[:200]:
            if isinstance(p, dict) and _s(p.get("name")):
                step.form.setdefault(_s(p.get("name")), _s(p.get("value"))[:4096])
    if "client_secret" in step.form or "client_assertion" in step.form:
        step.client_auth = True


def _keep_body(step: Step, mime: str, text: str) -> None:
    head = text[:4096]
    if "html" in mime or head.lstrip().startswith("<"):
        if _FORM_POST.search(text) and _FORM_KEYS.search(text):
            from authdoctor.evidence.url import form_post_fields

            step.form_post = form_post_fields(text[:MAX_DECODE])
        if "AADSTS" in text:
            seen: set[str] = set()
            for m in _AADSTS_SNIPPET.finditer(text):
                snippet = _UNICODE_ESCAPE.sub(lambda u: chr(int(u.group(1), 16)), m.group(0))
                if snippet[:12] not in seen:
                    seen.add(snippet[:12])
                    step.snippets.append(snippet.strip())
                if len(step.snippets) >= 5:
                    break
        return
    relevant = step.status >= 400 or any(k in head for k in ('"access_token"', '"error"', '"id_token"'))
    if relevant and len(text) <= MAX_BODY:
        step.body = text


HAR_HEAD = re.compile(rb'^\s*\{\s*"log"\s*:\s*\{')
_CREATOR = re.compile(rb'"creator"\s*:\s*\{\s*"name"\s*:\s*"([^"]{1,80})"(?:\s*,\s*"version"\s*:\s*"([^"]{0,40})")?')


def creator_of(head: bytes) -> str | None:
    m = _CREATOR.search(head)
    if not m:
        return None
    name = m.group(1).decode("utf-8", "replace")
    return f"{name} {m.group(2).decode('utf-8', 'replace')}".strip() if m.group(2) else name


def is_truncation(exc: Exception) -> bool:
    """Whether an ``ijson`` error means the JSON ended early (a cut file), not that it is malformed."""
    low = str(exc).lower()
    return "premature" in low or ("incomplete" in low and "lexical" not in low)


def read_capture(stream: IO[bytes], name: str, head: bytes = b"") -> Capture:
    """Every entry of the capture as a ``Step``; truncation and bad JSON become messages."""
    cap = Capture(name=name, creator=creator_of(head))
    reader = CountingReader(stream)
    try:
        for i, entry in enumerate(ijson.items(reader, "log.entries.item", use_float=True), 1):
            cap.entries = i
            if not isinstance(entry, dict):
                continue
            step = step_from_entry(entry, i)
            if step is None:
                continue
            if step.body is not None:
                cap.body_bytes += len(step.body)
                if cap.body_bytes > MAX_KEPT_BODIES:
                    step.body = step.body[:2048]
            if len(cap.steps) < MAX_STEPS:
                cap.steps.append(step)
            else:
                cap.dropped += 1
    except ijson.JSONError as exc:
        if is_truncation(exc):
            cap.truncated = (f"the capture is truncated: it ends after {cap.entries} complete entries "
                             f"({reader.count:,} bytes) — export it again and check the disk had room")
        else:
            cap.error = (f"not valid JSON after {cap.entries} entries (near byte {reader.count:,}): "
                         "the file is damaged or not a HAR export")
    cap.bytes_read = reader.count
    return cap
