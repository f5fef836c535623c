"""A 500 MB capture is streamed: bounded memory, the OAuth flow at its start still found.

The C backend of ijson parses it in seconds, so this is not marked slow (> 30 s would be)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from evkit import Har, run_cli_rss, two_node_har


def write_big(path: Path, size: int) -> int:
    """The two-node flow, then filler pages (100 KB bodies) until ``size`` bytes."""
    flow = two_node_har().dump()
    filler = Har()
    filler.add("GET", "https://jira.example.com/secure/Dashboard.jspa", 200, body="<html>" + "y" * 100_000 + "</html>")
    one = json.dumps(filler.entries[0])
    head = json.dumps(flow)[: -len("]}}")]
    written = 0
    with path.open("w") as f:
        f.write(head)
        written += len(head)
        while written < size:
            f.write("," + one)
            written += len(one) + 1
        f.write("]}}")
    return written


def test_500_mb_har_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "huge.har"
    write_big(path, 500 << 20)
    t0 = time.monotonic()
    r, rss = run_cli_rss("diagnose", str(path), "--format", "json", timeout=900)
    elapsed = time.monotonic() - t0
    assert r.returncode == 1, r.stderr[-400:]
    data = json.loads(r.stdout)
    assert data["causes"][0]["id"] == "session_affinity_broken"
    assert data["flows"][0]["entries"] > 5000
    assert rss < 300 * 1024, f"peak RSS {rss} KiB for a 500 MB capture"
    assert elapsed < 600


def test_50_mb_har_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.har"
    write_big(path, 50 << 20)
    r, rss = run_cli_rss("har", "flows", str(path), "--format", "json")
    assert r.returncode == 1
    assert json.loads(r.stdout)["flows"][0]["nodes"] == ["node1", "node3"]
    assert rss < 200 * 1024, rss
