from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from authdoctor.extract.normalize import normalize


def test_json_escapes_inside_log_lines_are_undone() -> None:
    raw = r'{"error_description":"AADSTS500011: The resource principal named https:\/\/graph.micrsoft.com was not found.\r\nTrace ID: 1","x":"a \"quoted\" word"}'
    out = normalize(raw)
    assert "https://graph.micrsoft.com" in out
    assert "found. Trace ID" in out
    assert 'a "quoted" word' in out


def test_double_escaped_json_is_undone() -> None:
    assert "https://a/b" in normalize(r"https:\\\/\\\/a\\\/b")


@given(st.text(max_size=500))
def test_normalize_is_total_and_folds_whitespace(text: str) -> None:
    out = normalize(text)
    assert "  " not in out and "\n" not in out
    assert normalize(out) == normalize(normalize(out))
