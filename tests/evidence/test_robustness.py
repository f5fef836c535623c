"""Untrusted input never crashes an analyzer: arbitrary HAR entries, token text and URLs give
a result or a clear error, never an exception from deep inside."""

from __future__ import annotations

import io
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from authdoctor.evidence import url
from authdoctor.evidence.har import read
from authdoctor.evidence.jwt import TokenError, decode
from authdoctor.har_sanitize import sanitize
from authdoctor.kb.load import load_causes

CAUSE_IDS = set(load_causes())

KEYS = ["request", "response", "url", "method", "headers", "cookies", "postData", "text", "status", "content",
        "startedDateTime", "time", "name", "value", "redirectURL", "mimeType", "params", "encoding", "timings"]
URLS = ["https://app.example.com/cb?code=abc&state=1", "https://login.microsoftonline.com/t/oauth2/v2.0/authorize?"
        "client_id=c&response_type=code&state=1&redirect_uri=https://app.example.com/cb", "http://[::1", "data:x",
        "https://app.example.com/cb#id_token=eyJhbGciOiJub25lIn0.e30.&state=1", "not a url"]

scalars = (st.none() | st.booleans() | st.integers(-10, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
           | st.text(max_size=20) | st.sampled_from(URLS))
json_values: Any = st.recursive(
    scalars,
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), c, max_size=6),
    max_leaves=40,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(json_values, max_size=6))
def test_arbitrary_har_entries(entries: list[Any]) -> None:
    data = json.dumps({"log": {"version": "1.2", "entries": entries}}).encode()
    res = read(io.BytesIO(data), "fuzz.har", data[:8192])
    assert res.flows[0]["kind"] == "har_capture"
    out = io.StringIO()
    sanitize(io.BytesIO(data), out)
    assert len(json.loads(out.getvalue())["log"]["entries"]) == len(entries)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | st.builds(lambda a, b: f"eyJ{a}.{b}.x", st.text(max_size=40), st.text(max_size=40)))
def test_arbitrary_token_text(text: str) -> None:
    """Garbage either decodes into a described token or is refused with a reason; nothing else."""
    try:
        token = decode(text)
    except TokenError as exc:
        assert str(exc)
        return
    assert token.kind in ("jws", "jwe", "opaque") and token.size > 0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300) | st.builds(lambda u, q: f"{u}&{q}", st.sampled_from(URLS), st.text(max_size=60)))
def test_arbitrary_url_text(text: str) -> None:
    """Any text yields a well-formed analysis whose causes all exist in the taxonomy."""
    result = url.analyze_text(text, "fuzz")
    assert all(cid in CAUSE_IDS and 0 < strength <= 1 for cid, strength, _ in result.causes)
    assert all(isinstance(n, str) and n for n in result.notes)
