"""A progress bar on stderr for long scans: shown only on a terminal and never with --quiet."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from authdoctor.cli.common import is_tty

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


class ScanProgress:
    """What the scan reports: bytes read (any thread) and each document it opens."""

    def __init__(self, bar: Progress, task: TaskID) -> None:
        self._bar = bar
        self._task = task
        self._files = 0

    def advance(self, n: int) -> None:
        self._bar.advance(self._task, n)

    def document(self, name: str) -> None:
        self._files += 1
        short = name if len(name) <= 40 else "…" + name[-39:]
        self._bar.update(self._task, files=self._files, current=short)


@contextmanager
def byte_progress(
    total: Callable[[], tuple[int | None, int | None]], quiet: bool, label: str = "scanning"
) -> Iterator[ScanProgress | None]:
    """A bar with bytes, files, rate and ETA. ``total`` (bytes, files) is called only when a
    bar is shown: sizing a big folder costs a stat per file."""
    if quiet or not is_tty(sys.stderr):
        yield None
        return
    # Imported here: a piped or quiet run (the common scripted case) never pays for them.
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    console = Console(file=sys.stderr)
    total_bytes, total_files = total()
    files_of = f"/{total_files}" if total_files else ""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[files]}" + files_of + " files  {task.fields[current]}"),
        console=console,
        transient=True,
    ) as bar:
        yield ScanProgress(bar, bar.add_task(label, total=total_bytes, files=0, current=""))
