"""Documents that are not logs: a HAR capture, a callback URL, a JWT, a token-endpoint
response. Each kind has an analyzer that turns the document into the same evidence a log
gives (texts to run through the knowledge base), plus what only that kind can show
(reconstructed flows, causes found by structure rather than by message, facts).

Kinds are detected from content, never from the file name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from authdoctor.extract.facts import Facts
from authdoctor.sources.open import Document


@dataclass
class Analysis:
    """What an analyzer found in one document."""

    texts: list[tuple[int | None, str, str | None]] = field(default_factory=list)  # (line, text, timestamp)
    flows: list[dict[str, Any]] = field(default_factory=list)
    causes: list[tuple[str, float, str]] = field(default_factory=list)  # (cause id, strength 0..1, reason)
    facts: Facts = field(default_factory=Facts)
    notes: list[str] = field(default_factory=list)


Sniffer = Callable[[bytes], bool]
Analyzer = Callable[[Document], Analysis]

#: kind -> (sniffer on the first 8 KiB, analyzer). Order matters: the first sniffer that
#: accepts the head wins; documents no sniffer accepts are read as logs.
ANALYZERS: dict[str, tuple[Sniffer, Analyzer]] = {}


def register(kind: str, sniffer: Sniffer, analyzer: Analyzer) -> None:
    ANALYZERS[kind] = (sniffer, analyzer)


def detect_kind(head: bytes) -> str:
    _load_builtin()
    for kind, (sniff, _) in ANALYZERS.items():
        if sniff(head):
            return kind
    return "log"


@cache
def _load_builtin() -> None:
    """Import the analyzer modules that ship with authdoctor (each calls ``register``)."""
    import importlib
    import pkgutil

    import authdoctor.evidence as pkg

    for mod in sorted(m.name for m in pkgutil.iter_modules(pkg.__path__)):
        if not mod.startswith("_"):
            importlib.import_module(f"authdoctor.evidence.{mod}")
