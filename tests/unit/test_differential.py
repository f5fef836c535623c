"""The fast path (anchors in raw bytes, parallel ranges) equals the reference path
(assemble and match every record) on every knowledge-base example and on whole logs."""

from __future__ import annotations

from pathlib import Path

import pytest

from authdoctor.kb.load import default_kb
from authdoctor.pipeline import Options, diagnose_paths, diagnose_text

ROOT = Path(__file__).resolve().parents[2]


def _summary(report: object) -> list[tuple[str, int, list[int | None]]]:
    return [(f.entry, f.count, [e.line for e in f.evidence]) for f in report.findings]  # type: ignore[attr-defined]


def test_every_kb_example_gives_the_same_findings_on_both_paths() -> None:
    texts = [m.text for e in default_kb().entries for m in e.examples.match]
    texts += [t for e in default_kb().entries for t in e.examples.no_match]
    mismatches = []
    for text in texts:
        fast = _summary(diagnose_text(text, Options()))
        ref = _summary(diagnose_text(text, Options(reference=True)))
        if fast != ref:
            mismatches.append((text[:80], fast, ref))
    assert not mismatches, mismatches[:5]


@pytest.mark.parametrize("workers", [1, 2])
def test_whole_log_same_on_both_paths_and_any_worker_count(tmp_path: Path, workers: int) -> None:
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from genlog import generate

    log = tmp_path / "atlassian-jira.log"
    with open(log, "w", encoding="utf-8") as f:
        generate(f, 6 << 20, seed=11, error_every=900)
    ref = _summary(diagnose_paths([str(log)], Options(reference=True, workers=1)))
    fast = _summary(diagnose_paths([str(log)], Options(workers=workers, split_bytes=1 << 20)))
    assert ref and fast == ref


def test_bundled_example_same_on_both_paths() -> None:
    example = str(ROOT / "examples" / "atlassian-jira.log")
    assert _summary(diagnose_paths([example], Options())) == _summary(diagnose_paths([example], Options(reference=True)))
