"""Command groups that answer a mistyped command with the command the person meant.

People give authdoctor what they have: `authdoctor atlassian-jira.log`, `authdoctor
AADSTS50011`, `authdoctor har capture.har`. "No such command" teaches nothing; the error
should show the line to run instead.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable

from typer._click.core import Command, Context
from typer._click.exceptions import UsageError
from typer.core import TyperGroup

from authdoctor.cli.common import names_a_file

_CODE = re.compile(r"^(?:[A-Z]{2,}[A-Z_]*\d+|[A-Za-z]+_[A-Za-z_]+|\d{5,})$")  # AADSTS50011, invalid_grant


def _looks_like_input(arg: str) -> bool:
    return arg == "-" or names_a_file(arg) or "/" in arg or "\\" in arg or "." in arg[-6:]


def top_level_hint(arg: str) -> str | None:
    quoted = shlex.quote(arg if len(arg) <= 80 else arg[:77] + "...")
    if _CODE.match(arg):
        return f"to look up an error code, run: authdoctor explain {quoted}"
    if _looks_like_input(arg) or " " in arg:
        return f"to read it, run: authdoctor diagnose {quoted}"
    return None


def har_hint(arg: str) -> str | None:
    if _looks_like_input(arg):
        return f"to read a capture, run: authdoctor har flows {shlex.quote(arg)}"
    return None


def hinting_group(hint: Callable[[str], str | None]) -> type[TyperGroup]:
    """A TyperGroup class whose unknown-command error ends with ``hint(argument)``."""

    class HintingGroup(TyperGroup):
        def resolve_command(self, ctx: Context, args: list[str]) -> tuple[str | None, Command | None, list[str]]:
            try:
                return super().resolve_command(ctx, args)
            except UsageError as exc:
                advice = hint(args[0]) if args and args[0] not in self.commands else None
                if advice:
                    exc.message = f"{exc.message.rstrip('.')}: {advice}"
                raise

    return HintingGroup
