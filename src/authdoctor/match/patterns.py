"""Turns knowledge-base signatures into patterns for the matching engines.

Every signature yields two things: a *pattern* run against a normalised record
(``extract.normalize``), in the dialect RE2 and Hyperscan share (linear time, no
lookaround), and an *anchor*: a literal that every matching raw record contains, which
the fast scanner looks for in undecoded bytes before doing any per-record work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from authdoctor.kb.schema import Entry, Signature

_META = set("\\.^$|?*+()[]{}")
_WORD = re.compile(r"[A-Za-z0-9_]")
_TOKEN = re.compile(r"[A-Za-z0-9_]+")

#: Tokens too common in healthy logs to be a useful anchor on their own.
COMMON_WORDS = frozenset(
    """error errors failed failure exception connection request response token tokens invalid client server
    access the and for with from that this while service user users message java http https null true
    false warn info debug issue issues refresh oauth oauth2 integration integrations directory connect
    configuration config authenticate authenticated authentication authorization authorize application
    login mail email session timeout password secret scope scopes redirect callback provider account
    domain header cookie unknown denied expired missing found code status resource tenant policy""".split()
)


def literal(text: str) -> str:
    """Escape a literal for the RE2/Hyperscan dialect (no Python-only escapes)."""
    return "".join("\\" + ch if ch in _META else ch for ch in text)


def _bounded(text: str, body: str) -> str:
    start = r"\b" if _WORD.match(text[0]) else ""
    end = r"\b" if _WORD.match(text[-1]) else ""
    return f"{start}{body}{end}"


def pattern_for(sig: Signature) -> str:
    kind, value = sig.kind, sig.value
    if kind in ("code", "word"):
        return _bounded(value, literal(value))
    if kind == "text":
        words = value.split()
        return _bounded(value.strip(), r"\s+".join(literal(w) for w in words))
    return value


def derived_anchor(sig: Signature) -> str:
    if sig.anchor:
        return sig.anchor
    if sig.kind in ("code", "word"):
        return sig.value
    tokens = _TOKEN.findall(sig.value)
    if not tokens:
        raise ValueError(f"signature {sig.value!r} has no literal token to anchor on")
    # Prefer the longest token that is not a common log word; ties: the earliest.
    ranked = sorted(tokens, key=lambda t: (t.lower() not in COMMON_WORDS, len(t)), reverse=True)
    return str(ranked[0])


# How a character of a message may look in raw, undecoded log bytes (JSON escapes,
# HTML-safe \u escapes, doubly escaped JSON inside JSON). Spaces stay single spaces: a
# separator that tolerates any whitespace run makes every message a regex, and the anchor
# database runs at ~0.9 GB/s/core instead of ~1.6 (docs/performance.md).
_RAW_FORMS = {
    "/": r"\\*/",
    '"': r"\\*\"",
    "'": r"(?:'|\\+u0027)",
    "<": r"(?:<|\\+u003[cC])",
    ">": r"(?:>|\\+u003[eE])",
    "&": r"(?:&|\\+u0026)",
}


def raw_anchor_pattern(sig: Signature) -> str:
    """The pattern a log record's raw bytes must contain for the signature to count there.

    For ``text`` signatures it is the whole message as a log writes it — words separated by
    single spaces, quotes and slashes possibly JSON-escaped — so it fires about as rarely as
    the message itself; for the others it is the literal anchor. A log record shows a
    signature only where its anchor occurs *and* its pattern matches the normalised record
    (``EntryMatcher.match``); both scanning paths apply that rule, so they agree by
    construction. Pasted text is matched without anchors (whitespace folded).
    """
    if sig.kind != "text":
        return literal(derived_anchor(sig))
    parts = []
    for word in sig.value.split():
        parts.append("".join(_RAW_FORMS.get(ch, literal(ch)) for ch in word))
    return " ".join(parts)


@dataclass(frozen=True)
class CompiledSignature:
    """One signature of one entry, ready for the engines."""

    sid: int
    entry_id: str
    role: str  # "any" | "all" | "none"
    pattern: str
    anchor: str
    ignore_case: bool
    raw_anchor: str = ""


def compile_signatures(entries: tuple[Entry, ...] | list[Entry]) -> list[CompiledSignature]:
    out: list[CompiledSignature] = []
    for entry in entries:
        for role, sigs in (("any", entry.match.any), ("all", entry.match.all), ("none", entry.match.none)):
            for sig in sigs:
                out.append(
                    CompiledSignature(
                        sid=len(out),
                        entry_id=entry.id,
                        role=role,
                        pattern=pattern_for(sig),
                        anchor=derived_anchor(sig),
                        ignore_case=sig.ignore_case,
                        raw_anchor=raw_anchor_pattern(sig),
                    )
                )
    return out
