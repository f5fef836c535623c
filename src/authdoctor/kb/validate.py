"""The knowledge-base metalinter behind ``authdoctor kb validate``.

Schema errors stop loading; this adds the house rules a schema cannot express: style of
titles and steps, anchors that would flood the scanner, patterns every engine accepts,
causes that exist in the public taxonomy, and ids that match file names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from authdoctor.kb.load import KBError, entry_files, load_causes, load_entry
from authdoctor.kb.schema import Entry
from authdoctor.match.patterns import COMMON_WORDS, compile_signatures, literal
from authdoctor.match.safe_regex import compile_safe

IMPERATIVE = frozenset(
    """add adjust align allow apply approve cache capture close compute count decrypt fetch reduce resolve
    reissue retrieve scan separate sort wrap ask assign avoid back block call change collect correct
    decode delegate deploy enter fill go have increase inspect leave lower navigate obtain paste pick
    provide put reach reconnect reinstall rerun restrict schedule share sync trust try unblock check
    choose clear compare configure confirm contact copy create delete disable download edit empty enable
    ensure export find fix generate give grant import increase install keep list log look make map move
    note open pass point raise re-authorise re-authorize re-run read reauthorise reauthorize recreate
    redeem refresh regenerate register reload remove rename renew repeat replace request reset restart
    restore retry return review revoke rotate run save search select send set sign start stop switch
    tell test tick turn uncheck unlock update upgrade upload use verify wait watch""".split()
)
_WORDISH = re.compile(r"[A-Za-z][A-Za-z-]*")
NOT_IMPERATIVE = frozenset(
    """a an the this that these those it its you your we our they their there here if when whenever then
    for in on with by to from as at of or and but so because since while once after before note notes
    maybe perhaps usually often sometimes always never should must can could would may might is are was
    were be been being has have had do does did no not all any each every some most many few only also
    step steps ensure""".split()
)


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _first_word(step: str) -> str:
    m = _WORDISH.search(step.lstrip("`*_ "))
    return m.group(0).lower() if m else ""


def looks_imperative(step: str) -> bool:
    """A step should open with a verb in the imperative: known verbs pass; articles, pronouns,
    conjunctions, -ing/-ed forms and third-person -s forms do not."""
    word = _first_word(step)
    if word in IMPERATIVE:
        return True
    if not word or word in NOT_IMPERATIVE:
        return False
    if word.endswith(("ing", "ed")):
        return False
    return not (word.endswith("s") and not word.endswith(("ss", "us")))


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
            if not looks_imperative(step):
                out.append(Problem(where, f"{section}[{i}] should start with a verb: {step[:50]!r}"))
    for link in entry.causes:
        if link.id not in causes:
            out.append(Problem(where, f"cause {link.id!r} is not in causes.yaml"))
        for section in ("fix", "confirm"):
            for i, step in enumerate(getattr(link, section)):
                if not looks_imperative(step):
                    out.append(Problem(where, f"cause {link.id} {section}[{i}] should start with a verb"))
    if len({c.id for c in entry.causes}) != len(entry.causes):
        out.append(Problem(where, "a cause is listed twice"))
    for sig_in in (*entry.match.any, *entry.match.all, *entry.match.none):
        if sig_in.kind == "text" and " ".join(sig_in.value.split()) != sig_in.value:
            out.append(Problem(where, f"text {sig_in.value[:50]!r} has a line break, tab or space run: a log "
                                      "message is found with single spaces between its words"))
    try:
        sigs = compile_signatures([entry])
    except ValueError as exc:
        return [*out, Problem(where, str(exc))]
    for sig in sigs:
        # Only literal anchors reach the raw scanner as a single token; a text signature
        # without an explicit anchor is scanned as its whole message (as logged).
        literal_anchor = sig.role == "any" and sig.raw_anchor == literal(sig.anchor)
        if literal_anchor and len(sig.anchor) < 5 and not sig.anchor.isupper():
            out.append(Problem(where, f"anchor {sig.anchor!r} is shorter than 5 characters"))
        if literal_anchor and sig.anchor.lower() in COMMON_WORDS:
            out.append(Problem(where, f"anchor {sig.anchor!r} is a common log word; give a better `anchor:`"))
        try:
            compile_safe(sig.pattern, sig.ignore_case)
        except Exception as exc:  # re2 raises its own error type
            out.append(Problem(where, f"pattern {sig.pattern!r} does not compile in RE2: {exc}"))
        rp = repeat_problem(sig.pattern)
        if rp:
            out.append(Problem(where, rp))
        else:
            try:
                secs = hyperscan_compile_seconds(sig.pattern, sig.ignore_case)
            except Exception as exc:
                out.append(Problem(where, f"pattern {sig.pattern!r} does not compile in Hyperscan: {exc}"))
            else:
                if secs is not None and secs > MAX_COMPILE_SECONDS:
                    out.append(
                        Problem(where, f"pattern {sig.pattern[:60]!r} takes {secs:.2f}s to compile; simplify it")
                    )
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


_REPEAT = re.compile(r"\{(\d+)(?:,(\d*))?\}")
MAX_REPEAT = 80
MAX_COMPILE_SECONDS = 0.25


def repeat_problem(pattern: str) -> str | None:
    """Large counted repeats make Hyperscan's compile explode (a {0,300} gap inside an
    alternation took a minute); co-occurrence belongs in ``match.all`` instead."""
    for m in _REPEAT.finditer(pattern):
        hi = m.group(2)
        bound = int(hi) if hi else int(m.group(1))
        if bound > MAX_REPEAT:
            return (
                f"counted repeat {m.group(0)} exceeds {{...,{MAX_REPEAT}}}: to require two fragments in one "
                f"record, put the second in `match.all` instead of a long gap"
            )
    return None


def hyperscan_compile_seconds(pattern: str, ignore_case: bool) -> float | None:
    from authdoctor.match.engine import HAVE_HYPERSCAN

    if not HAVE_HYPERSCAN:
        return None
    import time

    import hyperscan

    db = hyperscan.Database()
    flags = hyperscan.HS_FLAG_SINGLEMATCH | (hyperscan.HS_FLAG_CASELESS if ignore_case else 0)
    start = time.perf_counter()
    db.compile(expressions=[pattern.encode()], ids=[0], flags=[flags])
    return time.perf_counter() - start


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


def validate_examples() -> list[Problem]:
    """Run every example through the whole KB (the same check as tests/kb)."""
    from authdoctor.extract.normalize import normalize
    from authdoctor.kb.load import default_kb
    from authdoctor.match.engine import EntryMatcher, extract_values

    kb = default_kb()
    matcher = EntryMatcher.build(kb.entries)
    out: list[Problem] = []
    for e in kb.entries:
        for i, ex in enumerate(e.examples.match):
            text = normalize(ex.text)
            found = matcher.match(text)
            if e.id not in found:
                out.append(Problem(e.id, f"match[{i}] does not match"))
                continue
            extra = sorted(set(found) - {e.id} - set(ex.also))
            if extra:
                out.append(Problem(e.id, f"match[{i}] also fires {extra} (declare in `also` or narrow)"))
            values = extract_values(e, text)
            for k, want in ex.expect.items():
                if values.get(k) != want:
                    out.append(Problem(e.id, f"match[{i}] extracts {k}={values.get(k)!r}, want {want!r}"))
        for i, t in enumerate(e.examples.no_match):
            if e.id in matcher.match(normalize(t)):
                out.append(Problem(e.id, f"no_match[{i}] matches"))
    return out
