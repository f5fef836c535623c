from __future__ import annotations

from pathlib import Path

from authdoctor.kb.load import KB_ROOT
from authdoctor.kb.validate import validate_tree

SHARED = Path(__file__).resolve().parents[3] / "shared" / "spec" / "causes.yaml"


def test_knowledge_base_passes_the_metalinter() -> None:
    problems, count = validate_tree()
    assert count > 0
    assert not problems, "\n".join(map(str, problems))


def test_packaged_causes_match_the_public_contract() -> None:
    if not SHARED.exists():  # ../shared is beside the checkout in sessions and CI only
        return
    assert (KB_ROOT / "causes.yaml").read_bytes() == SHARED.read_bytes()
