"""The progress bar: drawn on a terminal (a real pseudo-terminal here), never when piped
or with --quiet, and never mixed into the report on stdout."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from genlog import generate  # noqa: E402

AUTHDOCTOR = [sys.executable, "-m", "authdoctor"]


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("progress")
    for i in range(2):  # two files: the bar counts them
        with open(folder / f"atlassian-jira.log.{i + 1}", "w", encoding="utf-8") as f:
            generate(f, 24 << 20, seed=3 + i, error_every=5000)
    return folder


def _run_with_stderr_on_a_terminal(args: list[str]) -> tuple[int, bytes, bytes]:
    """Run with stderr on a pseudo-terminal and stdout on a pipe; bounded by a deadline."""
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "160"}
    seen = b""
    deadline = time.monotonic() + 120
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, env=env) as proc:
        os.close(slave)
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], 0.2)
                if ready:
                    try:
                        chunk = os.read(master, 65536)
                    except OSError:  # the child closed the terminal
                        break
                    if not chunk:
                        break
                    seen += chunk
                elif proc.poll() is not None:
                    break
            out = proc.stdout.read() if proc.stdout else b""
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
            os.close(master)
    return proc.returncode, out, seen


def test_progress_bar_is_drawn_on_a_terminal(big_log: Path) -> None:
    code, out, terminal = _run_with_stderr_on_a_terminal(
        [*AUTHDOCTOR, "diagnose", str(big_log), "--format", "json", "--engine", "reference"]  # slow: the bar redraws
    )
    assert code == 1 and out.lstrip().startswith(b"{")  # the report is intact on stdout
    text = terminal.decode("utf-8", "replace")
    assert "scanning" in text
    assert "MB" in text  # bytes read / total
    assert "/2 files" in text and "atlassian-jira.log" in text  # files read of files found, current file
    assert "\x1b[" in text  # drawn with terminal control sequences


def test_no_progress_bar_when_piped_or_quiet(big_log: Path) -> None:
    piped = subprocess.run([*AUTHDOCTOR, "diagnose", str(big_log), "--format", "json"], capture_output=True,
                           timeout=120, check=False)
    assert piped.returncode == 1 and b"scanning" not in piped.stderr and b"\x1b[" not in piped.stderr
    code, _, terminal = _run_with_stderr_on_a_terminal(
        [*AUTHDOCTOR, "diagnose", str(big_log), "--format", "json", "--quiet"]
    )
    assert code == 1 and b"scanning" not in terminal
