"""Assembles sources → evidence → match → reason → report for every front end.

The CLI, batch mode and the Python API call these functions; they hold no logic of their
own. The compiled matcher is built once per process (and, for Hyperscan, cached on disk by
``authdoctor.cache``) because compiling hundreds of signatures costs more than scanning a
typical log.
"""

from __future__ import annotations

import itertools
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

from authdoctor.errors import InputError
from authdoctor.extract.facts import FACT_RULES, Facts, facts_from_hint
from authdoctor.extract.line_index import LineIndex
from authdoctor.extract.records import HEAD_BYTES, MAX_EVIDENCE_CHARS, Mode, Record, detect_mode
from authdoctor.extract.timestamps import in_window, parse_bound, sort_key
from authdoctor.kb.load import KnowledgeBase, default_kb
from authdoctor.kb.search import default_index
from authdoctor.match.engine import EntryMatcher, extract_values
from authdoctor.match.patterns import CompiledSignature, compile_signatures, literal
from authdoctor.match.scanner import (
    AnchorScanner,
    FactSink,
    Hit,
    fast_records,
    file_records,
    match_records,
    next_record_start,
    reference_records,
)
from authdoctor.model import CauseResult, Evidence, Finding, Report
from authdoctor.reason.fixes import steps
from authdoctor.reason.rank import rank, why_text
from authdoctor.redact import redact
from authdoctor.sources.open import Document, OpenContext, iter_documents

MAX_CAUSES = 8
SPLIT_WINDOW = 8 << 20  # how far past a split point to look for the next record start
MIN_SCORE = 0.03


@dataclass
class Options:
    hint: str | None = None
    provider: str | None = None
    product: str | None = None
    product_version: str | None = None
    max_samples: int = 3
    reference: bool = False  # assemble every record (slow, for tests and --engine reference)
    engine: str = "auto"
    since: str | None = None
    until: str | None = None
    progress: Callable[[int], None] | None = None  # bytes read, called from scan threads
    on_document: Callable[[str], None] | None = None  # each document as it is opened
    extra_facts: Facts | None = None
    external_causes: list[tuple[str, float, str]] = field(default_factory=list)
    workers: int = 0  # 0 = one per core
    split_bytes: int = 64 << 20  # large files are scanned in ranges of about this size


@dataclass
class Engine:
    kb: KnowledgeBase
    matcher: EntryMatcher
    scanner: AnchorScanner  # entry anchors first (scanner.entry_count), then fact-rule anchors


def kb_signatures() -> list[CompiledSignature]:
    """Every signature of the packaged KB, compiled; cached on disk with the KB so a start
    neither loads every entry nor rebuilds hundreds of patterns."""
    from authdoctor.cache import cache_key, load_or_build
    from authdoctor.kb.load import content_digest
    from authdoctor.match import patterns

    stamp = str(Path(patterns.__file__).stat().st_mtime_ns)
    return load_or_build("sigs", cache_key("sigs", content_digest(), stamp),
                         lambda: compile_signatures(default_kb().entries))


@cache
def engine_for(engine: str = "auto") -> Engine:
    """The compiled matcher for the packaged KB, built once per process and engine."""
    kb = default_kb()
    matcher = EntryMatcher.from_signatures(kb_signatures(), frozenset(k.id for k in kb.keys if k.generic), engine)
    return Engine(kb, matcher, anchor_scanner(matcher))


def anchor_scanner(matcher: EntryMatcher) -> AnchorScanner:
    """One database of the entries' anchors followed by the fact rules' anchors (hits past
    ``entry_count`` are facts, not findings)."""
    facts = [(literal(r.anchor), False) for r in FACT_RULES]
    return AnchorScanner(matcher.anchors + facts, len(matcher.anchors))


_FRAME = re.compile(r"^\s+at ")


def compact(text: str) -> str:
    """Keep a stack trace readable: the messages, the Caused-by chain and two frames each."""
    out: list[str] = []
    frames = 0
    skipped = 0
    for line in text.splitlines():
        if _FRAME.match(line):
            frames += 1
            if frames > 2:
                skipped += 1
                continue
        else:
            if skipped:
                out.append(f"\t… {skipped} more frames")
            frames = skipped = 0
        out.append(line)
    if skipped:
        out.append(f"\t… {skipped} more frames")
    joined = "\n".join(out)
    if len(joined) > MAX_EVIDENCE_CHARS:
        joined = joined[:MAX_EVIDENCE_CHARS] + " …"
    return joined


@dataclass
class _Acc:
    entry_id: str
    count: int = 0
    first: str | None = None
    last: str | None = None
    first_key: datetime = datetime.max  # first/last as comparable instants, parsed once
    last_key: datetime = datetime.min
    evidence: list[Evidence] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    hourly: dict[str, int] = field(default_factory=dict)
    nodes: dict[str, int] = field(default_factory=dict)


class Accumulator:
    """Deduplicates hits into one finding per entry with counts, times and samples. The
    --since/--until window is applied here, so log records and analyzer texts (HAR, token
    responses) obey the same bounds."""

    def __init__(self, kb: KnowledgeBase, max_samples: int,
                 window: tuple[datetime | None, datetime | None] = (None, None)) -> None:
        self.kb = kb
        self.max_samples = max_samples
        self.since, self.until = window
        self.by_entry: dict[str, _Acc] = {}
        self._lines: dict[str, tuple[int, LineIndex]] = {}

    def _line(self, doc: Document, record: Record) -> int | None:
        """The record's line number; records of regular files only know their byte offset."""
        if record.line or record.offset < 0 or doc.path is None:
            return record.line
        if doc.name not in self._lines:
            fd = os.open(doc.path, os.O_RDONLY)
            self._lines[doc.name] = (fd, LineIndex(fd))
        return self._lines[doc.name][1].line_at(record.offset)

    def close(self) -> None:
        for fd, _ in self._lines.values():
            os.close(fd)
        self._lines.clear()

    def add(self, doc: Document, record: Record, entries: list[str], normalized: str) -> None:
        if not in_window(record.timestamp, self.since, self.until):
            return
        ts = record.timestamp
        key = sort_key(ts) if ts is not None else None
        for eid in entries:
            acc = self.by_entry.setdefault(eid, _Acc(eid))
            acc.count += 1
            if ts is not None and key is not None:
                if acc.first is None or key < acc.first_key:
                    acc.first, acc.first_key = ts, key
                if acc.last is None or key > acc.last_key:
                    acc.last, acc.last_key = ts, key
                hour = ts[:13]
                acc.hourly[hour] = acc.hourly.get(hour, 0) + 1
            if doc.node:
                acc.nodes[doc.node] = acc.nodes.get(doc.node, 0) + 1
            if len(acc.evidence) < self.max_samples:
                acc.evidence.append(
                    Evidence(source=doc.name, line=self._line(doc, record), text=redact(compact(record.text)),
                             node=doc.node)
                )
            entry = self.kb.entry(eid)
            if len(acc.values) < len(entry.match.extract):  # the first value of each kind is kept
                for k, v in extract_values(entry, normalized).items():
                    acc.values.setdefault(k, redact(v))


def time_window(options: Options) -> tuple[datetime | None, datetime | None]:
    """--since/--until as bounds; a value that is not a date is an input error."""
    try:
        since = parse_bound(options.since) if options.since else None
        until = parse_bound(options.until, end=True) if options.until else None
    except ValueError as exc:
        raise InputError(f"--since/--until: {exc}") from None
    if since is not None and until is not None and (since.tzinfo is None) == (until.tzinfo is None) and since > until:
        raise InputError(f"--since {options.since} is after --until {options.until}: no record can match")
    return since, until


def collect_facts(options: Options, evidence: FactSink | None, bundle: Facts | None = None) -> Facts:
    """Evidence first (support-bundle configuration, then log lines), then what the person
    says (--hint), then structured input: later sources override earlier ones."""
    facts = Facts()
    if bundle is not None:
        facts.merge(bundle)
    if evidence is not None:
        for name, (value, where) in evidence.found.items():
            v: str | bool = True if value == "true" else value
            facts.set(name, v, f"evidence {where}")
    if options.hint:
        facts.merge(facts_from_hint(options.hint))
    if options.extra_facts is not None:
        facts.merge(options.extra_facts)
    for name in ("provider", "product", "product_version"):
        value = getattr(options, name)
        if value:
            facts.set(name, value, f"--{name.replace('_', '-')}")
    return facts


@dataclass
class Extras:
    """What non-log analyzers add to a report."""

    flows: list[dict[str, object]] = field(default_factory=list)
    causes: list[tuple[str, float, str]] = field(default_factory=list)
    facts: Facts = field(default_factory=Facts)
    notes: list[str] = field(default_factory=list)


def _analyze(doc: Document, kind: str, eng: Engine, acc: Accumulator, extras: Extras) -> None:
    from authdoctor.extract.kinds import ANALYZERS
    from authdoctor.extract.normalize import normalize

    analysis = ANALYZERS[kind][1](doc)
    for line, text, ts in analysis.texts:
        norm = normalize(text)
        entries = eng.matcher.match(norm)
        if entries:
            acc.add(doc, Record(line=line or 0, text=text, timestamp=ts), entries, norm)
    extras.flows.extend(analysis.flows)
    extras.causes.extend(analysis.causes)
    extras.facts.merge(analysis.facts, override=False)
    extras.notes.extend(analysis.notes)


@dataclass
class _Task:
    doc: Document
    start: int = 0
    end: int | None = None  # a byte range of doc.path; None = the whole document
    mode: Mode | None = None


@dataclass
class _TaskResult:
    hits: list[Hit]
    facts: dict[str, tuple[str, str]]


def _mode_of(fd: int) -> Mode:
    head = os.pread(fd, HEAD_BYTES + 1, 0)
    return detect_mode(head, len(head) <= HEAD_BYTES)


def _ranges(doc: Document, split_bytes: int) -> list[_Task]:
    """Split a large plain file at record starts so each range can be scanned alone."""
    assert doc.path is not None
    fd = os.open(doc.path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        mode = _mode_of(fd)
        if mode == "paste":
            return [_Task(doc)]
        cuts = [0]
        for target in range(split_bytes, size, split_bytes):
            if target <= cuts[-1]:
                continue
            found = next_record_start(os.pread(fd, 256 << 10, target), mode)  # usually within a few lines
            if found is None:
                found = next_record_start(os.pread(fd, SPLIT_WINDOW, target), mode)
            if found is not None:
                cuts.append(target + found)
        cuts.append(size)
    finally:
        os.close(fd)
    return [_Task(doc, a, b, mode) for a, b in itertools.pairwise(cuts) if b > a]


def _scan_file(task: _Task, options: Options, eng: Engine, sink: FactSink) -> list[Hit] | None:
    """Scan a regular file by offset; None for a paste (the stream path handles those)."""
    assert task.doc.path is not None
    fd = os.open(task.doc.path, os.O_RDONLY)
    try:
        mode = task.mode or _mode_of(fd)
        if mode == "paste":
            return None
        end = task.end if task.end is not None else os.fstat(fd).st_size
        records = file_records(fd, mode, eng.scanner, task.start, end, options.progress, sink, task.doc.name)
        return list(match_records(records, eng.matcher, eng.scanner))
    finally:
        os.close(fd)


def _scan_task(task: _Task, options: Options, eng: Engine) -> _TaskResult:
    sink = FactSink(FACT_RULES, eng.scanner.entry_count)
    if task.doc.path is not None and not options.reference:
        found = _scan_file(task, options, eng, sink)
        if found is not None:
            return _TaskResult(found, sink.found)
    with task.doc.open() as raw:
        if options.reference:
            records = reference_records(raw)
        else:
            records = fast_records(raw, eng.scanner, options.progress, sink, task.doc.name)
        return _TaskResult(list(match_records(records, eng.matcher, eng.scanner)), sink.found)


def default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def scan_documents(docs: Iterable[Document], options: Options, eng: Engine, acc: Accumulator,
                   extras: Extras | None = None) -> FactSink:
    """Scan every document, files in parallel and large files in ranges, and feed the
    accumulator in document-then-range order so the report never depends on the number
    of workers."""
    from authdoctor.extract.kinds import detect_kind

    sink = FactSink(FACT_RULES, eng.scanner.entry_count)
    workers = options.workers or default_workers()

    def tasks() -> Iterator[list[_Task]]:
        for doc in docs:
            if options.on_document is not None:
                options.on_document(doc.name)
            kind = detect_kind(doc.head)
            if kind != "log" and extras is not None:
                _analyze(doc, kind, eng, acc, extras)
                continue
            if (doc.path is not None and doc.size and workers > 1 and not options.reference
                    and doc.size > options.split_bytes * 2):
                yield _ranges(doc, options.split_bytes)
            else:
                yield [_Task(doc)]

    def consume(group: list[_Task], results: list[_TaskResult]) -> None:
        for task, res in zip(group, results, strict=True):
            for hit in res.hits:
                acc.add(task.doc, hit.record, hit.entries, hit.normalized)
            for name, found in res.facts.items():
                sink.found.setdefault(name, found)

    if workers == 1:
        for group in tasks():
            consume(group, [_scan_task(t, options, eng) for t in group])
        return sink
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scan") as pool:
        pending: deque[tuple[list[_Task], list[Future[_TaskResult]]]] = deque()
        for group in tasks():
            pending.append((group, [pool.submit(_scan_task, t, options, eng) for t in group]))
            while sum(len(g) for g, _ in pending) > workers * 4:
                g, futs = pending.popleft()
                consume(g, [f.result() for f in futs])
        while pending:
            g, futs = pending.popleft()
            consume(g, [f.result() for f in futs])
    return sink


def build_report(kb: KnowledgeBase, acc: Accumulator, facts: Facts, notes: list[str],
                 external: list[tuple[str, float, str]] | None = None) -> Report:
    findings = []
    for a in sorted(acc.by_entry.values(), key=lambda a: (-a.count, a.entry_id)):
        e = kb.entry(a.entry_id)
        findings.append(
            Finding(
                entry=e.id, title=e.title, count=a.count, first_seen=a.first, last_seen=a.last,
                evidence=a.evidence, provider=e.provider, codes=list(e.codes), values=a.values,
                hourly=dict(sorted(a.hourly.items())), nodes=dict(sorted(a.nodes.items())),
            )
        )
    values_by_entry = {f.entry: f.values for f in findings}
    ranked = rank(kb, [(f.entry, f.count) for f in findings], facts, external=external or [])
    causes: list[CauseResult] = []
    for rc in ranked[:MAX_CAUSES]:  # includes causes raised only by checks/analyzers (no contribution)
        if rc.score < MIN_SCORE and causes:
            break
        # Values come only from the findings behind this cause (most weight first), so an app
        # id seen in one error never lands in the fix for another.
        values: dict[str, str] = {}
        for contrib in sorted(rc.contributions, key=lambda c: -c.share):
            for k, v in values_by_entry.get(contrib.entry.id, {}).items():
                values.setdefault(k, v)
        fix, confirm = steps(rc, kb, values, facts)
        info = kb.causes.get(rc.id)
        guide = kb.guides.get(rc.id)
        causes.append(
            CauseResult(
                id=rc.id, score=rc.score, why=redact(why_text(rc, kb)), fix=[redact(s) for s in fix],
                confirm=[redact(s) for s in confirm], title=guide.title if guide else None,
                group=info.group if info else None, entries=sorted({c.entry.id for c in rc.contributions}),
            )
        )
    report = Report(
        findings=findings,
        causes=causes,
        facts={k: {"value": v, "source": facts.sources.get(k)} for k, v in facts.values.items()},
        notes=list(notes),
    )
    report.distinguish = distinguish(causes)
    return report


def distinguish(causes: list[CauseResult]) -> str | None:
    """The check that separates the top candidates when they are close."""
    if len(causes) < 2 or causes[1].score < causes[0].score * 0.5:
        return None
    parts = []
    for c in causes[:3]:
        if c.score < causes[0].score * 0.5 or not c.confirm:
            continue
        parts.append(f"{c.title or c.id}: {c.confirm[0]}")
    if len(parts) < 2:
        return None
    return "The top causes are close. To tell them apart — " + " | ".join(parts)


def diagnose_documents(docs: Iterable[Document], options: Options, ctx: OpenContext | None = None) -> Report:
    eng = engine_for(options.engine)
    acc = Accumulator(eng.kb, options.max_samples, time_window(options))
    notes = ctx.notes if ctx is not None else []
    extras = Extras()
    try:
        sink = scan_documents(docs, options, eng, acc, extras)
    finally:
        acc.close()
    facts = collect_facts(options, sink, ctx.facts if ctx is not None else None)
    facts.merge(extras.facts, override=False)
    report = build_report(eng.kb, acc, facts, [*notes, *extras.notes], [*options.external_causes, *extras.causes])
    report.flows = extras.flows
    return report


def diagnose_paths(inputs: list[str], options: Options, ctx: OpenContext | None = None) -> Report:
    ctx = ctx or OpenContext()
    try:
        return diagnose_documents(iter_documents(inputs, ctx), options, ctx)
    finally:
        ctx.close()


def diagnose_text(text: str, options: Options, name: str = "<input>") -> Report:
    from authdoctor.sources.open import inline_document

    report = diagnose_documents([inline_document(name, text)], options)
    if not report.findings:
        add_nearest(report, text)
    return report


def add_nearest(report: Report, text: str, limit: int = 3) -> None:
    """No signature matched: propose the closest entries, clearly labelled as such."""
    for hit in default_index().search(text[:4000], limit):
        report.unmatched.append({"entry": hit.entry, "title": hit.title, "relevance": hit.score,
                                 "label": "no exact match"})
