"""The JSON contract (``authdoctor.report/1``)."""

from __future__ import annotations

import json

from authdoctor.model import Report


def to_json(report: Report) -> str:
    return json.dumps(report.to_json_dict(), indent=2, ensure_ascii=False)


def to_json_line(report: Report, extra: dict[str, object] | None = None) -> str:
    data = report.to_json_dict()
    if extra:
        data = {**extra, **data}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
