"""SARIF 2.1.0 for CI pipelines: one result per finding, pointing at the profile line.

Code-scanning tools show SARIF results next to the file they name, so each result carries
the profile path and the line of the field at fault, and each rule carries its docs as help.
The computed fix travels in ``properties`` (SARIF's own ``fixes`` describe text edits,
which a value such as "add this JVM flag to setenv.sh" is not).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from authdoctor import __version__
from authdoctor.profile.load import LoadedProfile, line_of
from authdoctor.profile.rule import CheckFinding
from authdoctor.profile.rules import registry
from authdoctor.redact import redact_obj

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _rules() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for lr in registry():
        r = lr.rule
        first = r.docs.split("## What it checks", 1)[-1].split("##", 1)[0].strip()
        out.append({
            "id": r.id,
            "name": "".join(p.title() for p in r.id.split("_")),
            "shortDescription": {"text": r.title},
            "fullDescription": {"text": " ".join(first.split())},
            "help": {"text": r.docs, "markdown": r.docs},
            "defaultConfiguration": {"level": LEVEL[r.severity]},
            "properties": {"causes": list(r.causes), "tags": ["authdoctor", r.id.split("_", 1)[0]]},
        })
    return out


def _uri(name: str) -> str:
    """SARIF wants a URI: relative paths stay relative (to the checkout), absolute ones become file://."""
    if name == "<stdin>":
        return "stdin"
    path = Path(name)
    return path.as_uri() if path.is_absolute() else path.as_posix()


def _result(f: CheckFinding, index: dict[str, int], loaded: LoadedProfile) -> dict[str, Any]:
    fix = "; ".join(f"{k} = {v}" for k, v in f.fix.items())
    text = f.message + (f" Fix: {fix}" if fix else "")
    uri = _uri(loaded.name)
    region = {"startLine": line_of(loaded.lines, f.field or "") or 1}
    return {
        "ruleId": f.rule.id,
        "ruleIndex": index[f.rule.id],
        "level": LEVEL[f.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}],
        "properties": {"causes": list(f.causes), "fix": dict(f.fix), "field": f.field},
    }


def to_sarif(findings: list[CheckFinding], loaded: LoadedProfile) -> str:
    rules = _rules()
    index = {r["id"]: i for i, r in enumerate(rules)}
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "authdoctor", "version": __version__,
                                "rules": rules}},
            "results": [_result(f, index, loaded) for f in findings],
            "columnKind": "unicodeCodePoints",
        }],
    }
    return json.dumps(redact_obj(doc), indent=2, ensure_ascii=False) + "\n"
