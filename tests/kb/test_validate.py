from __future__ import annotations

from pathlib import Path

import pytest

from authdoctor.kb.load import KB_ROOT
from authdoctor.kb.validate import validate_tree

SHARED = Path(__file__).resolve().parents[3] / "shared" / "spec" / "causes.yaml"


def test_knowledge_base_passes_the_metalinter() -> None:
    problems, count = validate_tree()
    assert count > 0
    assert not problems, "\n".join(map(str, problems))


def test_packaged_causes_match_the_public_contract() -> None:
    if not SHARED.exists():  # ../shared is beside the checkout in sessions and CI only
        pytest.skip("../shared not beside the checkout")
    assert (KB_ROOT / "causes.yaml").read_bytes() == SHARED.read_bytes()


def test_a_text_signature_must_be_written_on_one_line_with_single_spaces() -> None:
    from authdoctor.kb.load import default_kb, load_causes
    from authdoctor.kb.validate import check_entry

    good = default_kb().entry("atlassian-oauth-token-already-marked-invalid")
    sig = good.match.any[0].model_copy(update={"text": "Token already  marked\nas invalid"})
    bad = good.model_copy(update={"match": good.match.model_copy(update={"any": [sig]})})
    causes = set(load_causes())
    assert not [p for p in check_entry(good, None, causes) if "single spaces" in str(p)]
    assert any("single spaces" in str(p) for p in check_entry(bad, None, causes))
