"""Peak memory is flat in input size: authdoctor on a 1 GiB log and on a 10x larger one.

    python bench/rss.py [--size 1G] [--times 10] [--keep]

The large file is the generated log (bench/genlog.py, fixed seed) repeated ``--times``
times, so both runs see the same mix of records. Prints wall time, throughput and peak
RSS of each run and the RSS ratio (target: within 10 %). The large file is deleted
afterwards unless --keep is given.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from genlog import ensure_log  # noqa: E402


def run(authdoctor: str, log: Path) -> tuple[float, int]:
    t = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-f", "%M", authdoctor, "diagnose", str(log), "--format", "json", "-q"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    secs = time.perf_counter() - t
    if r.returncode not in (0, 1):
        raise SystemExit(f"authdoctor failed ({r.returncode}): {r.stderr.decode()[-500:]}")
    return secs, int(r.stderr.decode().strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="1G")
    ap.add_argument("--times", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    small = ensure_log(a.size, a.seed)
    large = small.parent / f"jira-{a.size}x{a.times}-s{a.seed}.log"
    if not large.exists():
        with open(large, "wb") as out:
            for _ in range(a.times):
                with open(small, "rb") as src:
                    shutil.copyfileobj(src, out, 16 << 20)
    authdoctor = str(Path(sys.executable).parent / "authdoctor")
    subprocess.run([authdoctor, "explain", "AADSTS50011"], capture_output=True, check=False)  # warm the cache
    rows = [(small, *run(authdoctor, small)), (large, *run(authdoctor, large))]
    print(f"{'file':<34}{'MB':>9}{'seconds':>9}{'MB/s':>9}{'peak RSS MB':>13}")
    for path, secs, peak in rows:
        mb = path.stat().st_size / 1e6
        print(f"{path.name:<34}{mb:>9,.0f}{secs:>9.2f}{mb / secs:>9.0f}{peak / 1024:>13.0f}")
    ratio = rows[1][2] / rows[0][2]
    print(f"\npeak RSS {a.times}x input / 1x input: {ratio:.2f} (target: within 10 %)")
    if not a.keep:
        large.unlink()


if __name__ == "__main__":
    main()
