"""``authdoctor batch``: a queue of independent cases, one JSON report per line, order kept."""

from __future__ import annotations

import json
import sys
from typing import Any

from authdoctor.cli.common import EXIT_FOUND, EXIT_OK, fail
from authdoctor.pipeline import Options, diagnose_text
from authdoctor.redact import redact
from authdoctor.render.json_out import to_json_line

MAX_LINE = 64 << 20


def _case(line: str, number: int) -> tuple[dict[str, Any] | None, str | None, Any]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"line {number}: not valid JSON ({exc.msg} at column {exc.colno})", None
    if not isinstance(obj, dict):
        return None, f"line {number}: expected a JSON object", None
    case_id = obj.get("id", number)
    text = obj.get("input")
    if not isinstance(text, str) or not text.strip():
        return None, f"line {number}: 'input' must be a non-empty string", case_id
    hint = obj.get("hint")
    if hint is not None and not isinstance(hint, str):
        return None, f"line {number}: 'hint' must be a string", case_id
    return obj, None, case_id


def run_batch(path: str) -> int:
    try:
        stream = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError as exc:
        fail(f"{path}: {exc.strerror or exc}")
    found_any = False
    with stream:
        for number, raw in enumerate(stream, 1):
            line = raw.strip()
            if not line:
                continue
            if len(line) > MAX_LINE:
                sys.stdout.write(json.dumps({"id": number, "error": f"line {number}: longer than 64 MiB"}) + "\n")
                continue
            obj, err, case_id = _case(line, number)
            if obj is None:
                sys.stdout.write(json.dumps({"id": case_id if case_id is not None else number,
                                             "error": redact(err or "bad line")}) + "\n")
                continue
            report = diagnose_text(obj["input"], Options(hint=obj.get("hint")), name=f"case {case_id}")
            found_any = found_any or report.has_problem
            sys.stdout.write(redact(to_json_line(report, {"id": case_id})) + "\n")
            sys.stdout.flush()
    return EXIT_FOUND if found_any else EXIT_OK
