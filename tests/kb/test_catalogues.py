"""Every code of the public catalogues we claim to cover is answered by `explain` and found
in a log line: all 350 AADSTS codes of the Entra reference, every Okta E-code in the KB."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from authdoctor.extract.records import Record
from authdoctor.kb.load import default_kb
from authdoctor.kb.lookup import lookup
from authdoctor.match.scanner import match_records
from authdoctor.pipeline import engine_for

HERE = Path(__file__).resolve().parent
CODES_FILE = HERE.parent / "data" / "aadsts-codes.tsv"  # copied from ../shared/reference (code<TAB>name)
SHARED = HERE.parents[2] / "shared" / "reference" / "aadsts-codes.tsv"


def _aadsts() -> list[tuple[str, str]]:
    rows = [ln.split("\t") for ln in CODES_FILE.read_text(encoding="utf-8").splitlines()[1:] if ln.strip()]
    return [(r[0], r[1] if len(r) > 1 else "") for r in rows]


def _okta_codes() -> list[str]:
    return sorted({c for e in default_kb().entries if e.provider == "okta" for c in e.codes
                   if re.fullmatch(r"E\d{7}", c)})


def _in_a_log(line: str) -> list[str]:
    """Entries of one log record, with the log anchor rule applied (as a scan does)."""
    eng = engine_for()
    record = Record(line=1, text=line, timestamp=None)
    return [i for hit in match_records(iter([record]), eng.matcher, eng.scanner) for i in hit.entries]


def test_the_code_list_is_the_whole_catalogue() -> None:
    assert len(_aadsts()) == 350


def test_the_code_list_matches_the_shared_reference() -> None:
    if not SHARED.exists():  # ../shared is beside the checkout in sessions and CI only
        pytest.skip("../shared not beside the checkout")
    assert CODES_FILE.read_text(encoding="utf-8") == SHARED.read_text(encoding="utf-8")


@pytest.mark.parametrize(("code", "name"), _aadsts())
def test_explain_and_logs_know_every_aadsts_code(code: str, name: str) -> None:
    found = lookup(default_kb(), code)
    assert found.how == "code" and found.entries, f"explain {code}: not in the knowledge base"
    line = f"2026-03-01 10:00:00,000+0000 ERROR [oauth] {{\"error_description\":\"{code}: failed.\\r\\nTrace ID: 1\"}}"
    ids = _in_a_log(line)
    assert any(code in default_kb().entry(i).codes for i in ids), f"{code} in a log line matched {ids}"
    if name:  # the symbolic name finds the entry too
        assert lookup(default_kb(), name).entries


def test_okta_e_codes_are_covered() -> None:
    assert len(_okta_codes()) >= 20


@pytest.mark.parametrize("code", _okta_codes())
def test_explain_and_logs_know_every_okta_code(code: str) -> None:
    assert lookup(default_kb(), code).how == "code"
    line = f'{{"errorCode":"{code}","errorSummary":"failed","errorId":"oae1"}}'
    ids = _in_a_log(line)
    assert any(code in default_kb().entry(i).codes for i in ids), f"{code} matched {ids}"
