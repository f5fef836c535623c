"""For every seed error example, the top-ranked root cause is one the seed gives for it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from authdoctor.pipeline import Options, diagnose_text

CASES: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parents[1] / "cases" / "seed_cases.yaml").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_top_cause_is_one_the_seed_names(case: dict[str, Any]) -> None:
    report = diagnose_text(case["input"], Options(hint=case.get("hint")))
    assert report.findings, "nothing recognised"
    assert report.causes, "no cause ranked"
    top = report.causes[0].id
    assert top in case["top_cause_in"], f"top cause {top}; ranking: {[(c.id, c.score) for c in report.causes[:4]]}"
