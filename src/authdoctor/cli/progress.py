"""A progress bar on stderr for long scans: shown only on a terminal and never with --quiet."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from authdoctor.cli.common import is_tty


@contextmanager
def byte_progress(
    total: Callable[[], int | None], quiet: bool, label: str = "scanning"
) -> Iterator[Callable[[int], None] | None]:
    """``total`` is called only when a bar is shown: sizing a big folder costs a stat per file."""
    if quiet or not is_tty(sys.stderr):
        yield None
        return
    console = Console(file=sys.stderr)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total())

        def advance(n: int) -> None:
            bar.advance(task, n)

        yield advance
