"""The log anchor rule: in a log, a message counts where it is written as logged (single
spaces, quotes and slashes possibly JSON-escaped); pasted text is matched with whitespace
folded. Both scanning paths apply the rule, so they agree on every case here."""

from __future__ import annotations

import pytest

from authdoctor.pipeline import Options, diagnose_text

STAMP = "2026-11-20 10:00:00,000+0000 http-nio-8080-exec-1 ERROR admin [c.a.oauth2.client.TokenService] "
TOKEN_INVALID = "atlassian-oauth-token-already-marked-invalid"  # text: Token already marked as invalid
REDIRECT = "entra-aadsts50011"


def _entries(text: str, reference: bool) -> set[str]:
    return {f.entry for f in diagnose_text(text, Options(reference=reference)).findings}


def _log(*records: str) -> str:
    noise = STAMP.replace("ERROR", "INFO") + "Reindex request processed in 12 ms"
    return "\n".join([noise, *records, noise]) + "\n"


@pytest.mark.parametrize("reference", [False, True])
def test_message_as_logged_is_found(reference: bool) -> None:
    assert TOKEN_INVALID in _entries(_log(STAMP + "Token already marked as invalid"), reference)


@pytest.mark.parametrize("reference", [False, True])
def test_json_escaped_message_is_found(reference: bool) -> None:
    body = '{\\"error\\":\\"invalid_grant\\",\\"error_description\\":\\"Token already marked as invalid\\"}'
    assert TOKEN_INVALID in _entries(_log(STAMP + 'Refresh failed: "' + body + '"'), reference)


@pytest.mark.parametrize("reference", [False, True])
@pytest.mark.parametrize("broken", ["Token already marked\n    as invalid", "Token already  marked as invalid",
                                    "Token already\tmarked as invalid"])
def test_message_broken_in_a_log_is_not_counted_on_either_path(reference: bool, broken: str) -> None:
    assert TOKEN_INVALID not in _entries(_log(STAMP + broken), reference)


@pytest.mark.parametrize("broken", ["Token already marked\n    as invalid", "Token already  marked as invalid"])
def test_the_same_message_pasted_is_found(broken: str) -> None:
    for reference in (False, True):
        assert TOKEN_INVALID in _entries(broken, reference)


@pytest.mark.parametrize("reference", [False, True])
def test_an_anchor_in_the_record_does_not_let_a_broken_message_count(reference: bool) -> None:
    record = STAMP + "AADSTS50011: The redirect URI does not match.\n    Token already marked\n    as invalid"
    found = _entries(_log(record), reference)
    assert REDIRECT in found
    assert TOKEN_INVALID not in found
