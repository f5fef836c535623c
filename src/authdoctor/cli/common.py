"""Output, errors and exit codes shared by every command (the contract in docs/contract.md)."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import NoReturn

import typer

from authdoctor.model import Report
from authdoctor.render import render

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_USAGE = 2


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


def fail(message: str) -> NoReturn:
    """One line on stderr, nothing on stdout, exit 2."""
    sys.stderr.write(f"authdoctor: {message.splitlines()[0] if message else 'error'}\n")
    raise typer.Exit(EXIT_USAGE)


def names_a_file(item: str) -> bool:
    """Does an argument name an existing file or folder? A token or message too long for a
    path (a JWT, a pasted error) is not one, rather than an OSError."""
    try:
        return Path(item).exists()
    except (OSError, ValueError):
        return False


def is_tty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def emit(report: Report, fmt: Format, width: int | None = None) -> None:
    color = fmt is Format.text and is_tty(sys.stdout) and not os.environ.get("NO_COLOR")
    w = width or (min(os.get_terminal_size().columns, 120) if is_tty(sys.stdout) else 100)
    sys.stdout.write(render(report, fmt.value, width=w, color=color))


def exit_for(report: Report) -> NoReturn:
    raise typer.Exit(EXIT_FOUND if report.has_problem else EXIT_OK)
