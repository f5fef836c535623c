"""Does matching slow down when the knowledge base grows tenfold?

    python bench/kbscale.py [--size 1G] [--factor 10]

Builds a synthetic knowledge base ``--factor`` times the packaged one: every entry gets
``factor - 1`` variants whose signatures differ the way real neighbours do (codes with
another suffix, messages with one word changed, regexes and anchors with a suffix), so
the pattern mix stays realistic. The variants' texts never occur in the log (their
anchors are as rare as the real ones), so the records confirmed stay the same. Then scans the same generated log (bench/genlog.py,
fixed seed) with the real and the grown matcher on one thread and prints compile time,
throughput and the number of records confirmed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from genlog import ensure_log  # noqa: E402

from authdoctor.extract.records import HEAD_BYTES, detect_mode  # noqa: E402
from authdoctor.kb.load import default_kb  # noqa: E402
from authdoctor.kb.schema import Entry, Signature  # noqa: E402
from authdoctor.match.engine import EntryMatcher  # noqa: E402
from authdoctor.match.patterns import literal  # noqa: E402
from authdoctor.match.scanner import AnchorScanner, file_records, match_records  # noqa: E402
from authdoctor.pipeline import anchor_scanner  # noqa: E402


def variant_signature(sig: Signature, i: int) -> Signature:
    tag = f"Zq{i}"
    if sig.code is not None:
        return sig.model_copy(update={"code": f"{sig.code}{tag}"})
    if sig.word is not None:
        return sig.model_copy(update={"word": f"{sig.word}_{tag.lower()}"})
    if sig.text is not None:
        words = sig.text.split(" ")
        words.insert(min(1, len(words)), tag)  # one word more, as a neighbouring message would have
        return sig.model_copy(update={"text": " ".join(words)})
    assert sig.regex is not None and sig.anchor is not None
    escaped = literal(sig.anchor)
    if escaped not in sig.regex:  # the anchor is spelled another way in the regex: keep the signature
        return sig
    regex = sig.regex.replace(escaped, literal(sig.anchor + tag), 1)  # the anchor stays a literal of every match
    return sig.model_copy(update={"regex": regex, "anchor": sig.anchor + tag})


def grow(entries: tuple[Entry, ...], factor: int) -> list[Entry]:
    out = list(entries)
    for i in range(1, factor):
        for e in entries:
            m = e.match
            match = m.model_copy(update={
                "any": [variant_signature(s, i) for s in m.any],
                "all": [variant_signature(s, i) for s in m.all],
                "none": list(m.none),
            })
            out.append(e.model_copy(update={"id": f"{e.id}-v{i}", "match": match}))
    return out


def scan(path: Path, matcher: EntryMatcher, scanner: AnchorScanner) -> tuple[float, int]:
    fd = os.open(path, os.O_RDONLY)
    try:
        head = os.pread(fd, HEAD_BYTES + 1, 0)
        mode = detect_mode(head, len(head) <= HEAD_BYTES)
        t = time.perf_counter()
        hits = sum(1 for _ in match_records(file_records(fd, mode, scanner, 0, os.fstat(fd).st_size), matcher, scanner))
        return time.perf_counter() - t, hits
    finally:
        os.close(fd)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="1G")
    ap.add_argument("--factor", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    log = ensure_log(a.size, a.seed)
    os.environ["AUTHDOCTOR_NO_CACHE"] = "1"  # measure the compile, do not fill the cache with synthetic databases
    entries = default_kb().entries
    mb = log.stat().st_size / 1e6
    print(f"log: {log.name} ({mb:,.0f} MB), one scan thread")
    print(f"{'knowledge base':<26}{'entries':>9}{'signatures':>12}{'compile s':>11}{'scan s':>8}{'MB/s':>7}{'records':>9}")
    results = []
    for label, kb_entries in (("packaged", list(entries)), (f"grown x{a.factor}", grow(entries, a.factor))):
        t = time.perf_counter()
        matcher = EntryMatcher.build(kb_entries)
        scanner = anchor_scanner(matcher)
        compile_s = time.perf_counter() - t
        secs, hits = scan(log, matcher, scanner)
        results.append(mb / secs)
        print(f"{label:<26}{len(kb_entries):>9}{len(matcher.sigs):>12}{compile_s:>11.1f}{secs:>8.2f}{mb / secs:>7.0f}"
              f"{hits:>9}")
    print(f"\nthroughput grown / packaged: {results[1] / results[0]:.2f}")


if __name__ == "__main__":
    main()
