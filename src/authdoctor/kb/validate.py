"""The knowledge-base metalinter behind ``authdoctor kb validate``.

Schema errors stop loading; this adds the house rules a schema cannot express: style of
titles and steps, anchors that would flood the scanner, patterns every engine accepts,
causes that exist in the public taxonomy, and ids that match file names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from authdoctor.kb.load import KBError, KnowledgeBase, entry_files, load_causes, load_entry
from authdoctor.kb.schema import Entry
from authdoctor.match.patterns import COMMON_WORDS, compile_signatures
from authdoctor.match.safe_regex import compile_safe

IMPERATIVE = frozenset(
    """add adjust align allow apply ask assign avoid back block call change collect correct decode
    delegate deploy enter fill go have increase inspect leave lower navigate obtain paste pick
    provide put reach reconnect reinstall rerun restrict schedule share sync trust try unblock check choose clear compare configure confirm contact copy create delete
    disable download edit empty enable ensure export find fix generate give grant import increase
    install keep list log look make map move note open pass point raise re-authorise re-authorize
    re-run read reauthorise reauthorize recreate redeem refresh regenerate register reload remove
    rename renew repeat replace request reset restart restore retry return review revoke rotate run
    save search select send set sign start stop switch tell test tick turn uncheck unlock update
    upgrade upload use verify wait watch""".split()
)
_WORDISH = re.compile(r"[A-Za-z][A-Za-z-]*")


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _first_word(step: str) -> str:
    m = _WORDISH.search(step.lstrip("`*_ "))
    return m.group(0).lower() if m else ""


def check_entry(entry: Entry, path: Path | None, causes: set[str]) -> list[Problem]:
    where = entry.id
    out: list[Problem] = []
    if path is not None and path.stem != entry.id:
        out.append(Problem(where, f"file name {path.name} differs from id"))
    if entry.title.rstrip().endswith("."):
        out.append(Problem(where, "title ends with a period"))
    if entry.title.split()[0].lower() in ("ensure", "error", "errors"):
        out.append(Problem(where, "title must state the symptom, not start with Ensure/Error"))
    for section in ("fix", "confirm"):
        for i, step in enumerate(getattr(entry, section)):
            if _first_word(step) not in IMPERATIVE:
                out.append(Problem(where, f"{section}[{i}] should start with a verb: {step[:50]!r}"))
    for link in entry.causes:
        if link.id not in causes:
            out.append(Problem(where, f"cause {link.id!r} is not in causes.yaml"))
        for section in ("fix", "confirm"):
            for i, step in enumerate(getattr(link, section)):
                if _first_word(step) not in IMPERATIVE:
                    out.append(Problem(where, f"cause {link.id} {section}[{i}] should start with a verb"))
    if len({c.id for c in entry.causes}) != len(entry.causes):
        out.append(Problem(where, "a cause is listed twice"))
    try:
        sigs = compile_signatures([entry])
    except ValueError as exc:
        return [*out, Problem(where, str(exc))]
    for sig in sigs:
        if len(sig.anchor) < 5 and not sig.anchor.isupper():
            out.append(Problem(where, f"anchor {sig.anchor!r} is shorter than 5 characters"))
        if sig.anchor.lower() in COMMON_WORDS:
            out.append(Problem(where, f"anchor {sig.anchor!r} is a common log word; give a better `anchor:`"))
        try:
            compile_safe(sig.pattern, sig.ignore_case)
        except Exception as exc:  # re2 raises its own error type
            out.append(Problem(where, f"pattern {sig.pattern!r} does not compile in RE2: {exc}"))
        if sig.role == "any" and not _anchor_in_pattern(sig.anchor, sig.pattern):
            out.append(Problem(where, f"anchor {sig.anchor!r} does not appear literally in {sig.pattern!r}"))
    for name, pattern in entry.match.extract.items():
        try:
            rx = compile_safe(pattern)
        except Exception as exc:
            out.append(Problem(where, f"extract {name}: {exc}"))
            continue
        if "v" not in rx.groupindex:
            out.append(Problem(where, f"extract {name} needs a group (?P<v>...)"))
    if not any(r.seed or r.url for r in entry.references):
        out.append(Problem(where, "no reference"))
    return out


def _anchor_in_pattern(anchor: str, pattern: str) -> bool:
    flat = pattern.replace("\\s+", " ").replace("\\", "")
    return anchor.lower() in flat.lower()


def validate_tree(root: Path | None = None) -> tuple[list[Problem], int]:
    """Load every entry file and check it; returns problems and the number of entries read."""
    from authdoctor.kb.load import ENTRIES_DIR

    causes = set(load_causes())
    problems: list[Problem] = []
    seen: dict[str, Path] = {}
    codes: dict[str, str] = {}
    count = 0
    for path in entry_files(root or ENTRIES_DIR):
        try:
            entry = load_entry(path)
        except KBError as exc:
            problems.append(Problem(path.name, str(exc).split(": ", 1)[-1]))
            continue
        count += 1
        if entry.id in seen:
            problems.append(Problem(entry.id, f"duplicate id (also {seen[entry.id].name})"))
        seen[entry.id] = path
        for code in entry.codes:
            if code in codes and codes[code] != entry.id:
                problems.append(Problem(entry.id, f"code {code} is already claimed by {codes[code]}"))
            codes.setdefault(code, entry.id)
        problems.extend(check_entry(entry, path, causes))
    return problems, count


def validate_kb(kb: KnowledgeBase) -> list[Problem]:
    causes = set(kb.causes)
    out: list[Problem] = []
    for e in kb.entries:
        out.extend(check_entry(e, kb.paths.get(e.id), causes))
    return out
