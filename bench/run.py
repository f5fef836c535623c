"""Scan-speed benchmark: cat (the ceiling), ripgrep with the KB's signatures, authdoctor.

    python bench/run.py [--size 1G] [--seed 7] [--keep]

Generates (once, cached in bench/data/) a Jira-style log of the chosen size with a fixed
seed, exports the knowledge base's signatures as a ripgrep pattern file
(`authdoctor kb export-patterns`), then times each tool end to end (start-up included) as
a separate process, median of --rounds runs, and prints throughput, peak RSS and ratios.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from genlog import ensure_log  # noqa: E402


def timed(cmd: list[str], rounds: int) -> tuple[float, int]:
    """Median wall seconds and max peak RSS (KB) of ``cmd`` (stdout discarded)."""
    times, peaks = [], []
    for _ in range(rounds):
        t = time.perf_counter()
        r = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           check=False)
        times.append(time.perf_counter() - t)
        last = r.stderr.decode().strip().splitlines()[-1] if r.stderr else "0"
        peaks.append(int(last) if last.isdigit() else 0)
        if r.returncode not in (0, 1):
            raise SystemExit(f"{cmd[0]} failed ({r.returncode}): {r.stderr.decode()[-500:]}")
    return statistics.median(times), max(peaks)


def ensure_rg() -> str | None:
    """ripgrep from PATH (Debian: apt-get install ripgrep); the PyPI package builds from source."""
    rg = shutil.which("rg")
    if rg is None:
        print("ripgrep not found: install it (apt-get install ripgrep) to get the ripgrep ratio")
    return rg


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="1G")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--error-every", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    log = ensure_log(a.size, a.seed, a.error_every)
    data = log.parent
    nbytes = log.stat().st_size
    authdoctor = str(Path(sys.executable).parent / "authdoctor")
    patterns = data / "patterns.txt"
    patterns.write_text(subprocess.run([authdoctor, "kb", "export-patterns"], capture_output=True, text=True,
                                       check=True).stdout)
    n_patterns = len(patterns.read_text().splitlines())
    subprocess.run([authdoctor, "explain", "AADSTS50011"], capture_output=True, check=False)  # warm the cache
    rows = []
    t, m = timed(["dd", f"if={log}", "of=/dev/null", "bs=4M", "status=none"], a.rounds)
    rows.append(("dd bs=4M (read ceiling)", t, m))
    rg = ensure_rg()
    if rg:
        t, m = timed([rg, "-c", "--no-mmap", "-f", str(patterns), str(log)], a.rounds)
        rows.append((f"ripgrep -f ({n_patterns} patterns)", t, m))
    t, m = timed([authdoctor, "diagnose", str(log), "--format", "json", "-q"], a.rounds)
    rows.append(("authdoctor diagnose", t, m))
    t, m = timed([authdoctor, "explain", "AADSTS50011", "--format", "json"], a.rounds)
    start_up = t
    mb = nbytes / 1e6
    print(f"\nfile: {log.name} ({mb:,.0f} MB), {a.rounds} rounds, median wall time, peak RSS")
    print(f"{'tool':<34}{'seconds':>9}{'MB/s':>9}{'peak RSS MB':>13}")
    for name, secs, peak in rows:
        print(f"{name:<34}{secs:>9.2f}{mb / secs:>9.0f}{peak / 1024:>13.0f}")
    by = {n.split(" ")[0]: s for n, s, _ in rows}
    if "ripgrep" in by:
        print(f"\nauthdoctor / ripgrep throughput: {by['ripgrep'] / by['authdoctor']:.2f}x")
    print(f"authdoctor / read ceiling:       {by['dd'] / by['authdoctor']:.2f}x")
    print(f"start-up (explain AADSTS50011, warm cache): {start_up * 1000:.0f} ms")


if __name__ == "__main__":
    main()
