"""Every example of every entry, run through the whole knowledge base.

A match example must yield its entry (and the expected values) and no other specific
entry unless listed in ``also``; a no_match example must not yield its entry.
"""

from __future__ import annotations

import pytest

from authdoctor.extract.normalize import normalize
from authdoctor.kb.load import default_kb
from authdoctor.match.engine import EntryMatcher, extract_values

KB = default_kb()
MATCHER = EntryMatcher.build(KB.entries)

MATCH_CASES = [
    pytest.param(e.id, i, id=f"{e.id}::match[{i}]") for e in KB.entries for i in range(len(e.examples.match))
]
NO_MATCH_CASES = [
    pytest.param(e.id, i, id=f"{e.id}::no_match[{i}]")
    for e in KB.entries
    for i in range(len(e.examples.no_match))
]


@pytest.mark.parametrize(("entry_id", "index"), MATCH_CASES)
def test_match_example(entry_id: str, index: int) -> None:
    entry = KB.entry(entry_id)
    example = entry.examples.match[index]
    text = normalize(example.text)
    found = MATCHER.match(text)
    assert entry_id in found, f"{entry_id} did not match its own example"
    overlaps = sorted(set(found) - {entry_id} - set(example.also))
    assert not overlaps, f"other entries also fire on this example: {overlaps} (declare them in `also`)"
    values = extract_values(entry, text)
    for key, want in example.expect.items():
        assert values.get(key) == want, f"extract {key}: got {values.get(key)!r}, want {want!r}"


@pytest.mark.parametrize(("entry_id", "index"), NO_MATCH_CASES)
def test_no_match_example(entry_id: str, index: int) -> None:
    text = normalize(KB.entry(entry_id).examples.no_match[index])
    assert entry_id not in MATCHER.match(text)


def test_todo_examples_are_still_gaps() -> None:
    """A ``todo`` example is a known gap: it may keep failing, but once the entry matches it,
    it must move to ``match`` so the fix is guarded from then on (semgrep's todoruleid)."""
    fixed = [(e.id, t[:60]) for e in KB.entries for t in e.examples.todo if e.id in MATCHER.match(normalize(t))]
    assert not fixed, f"these todo examples now match; move them to `match`: {fixed}"
