"""The report model shared by every front end and renderer (the JSON contract lives here)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SCHEMA = "authdoctor.report/1"


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str
    line: int | None
    text: str
    node: str | None = None


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entry: str
    title: str
    count: int
    first_seen: str | None
    last_seen: str | None
    evidence: list[Evidence]
    provider: str | None = None
    codes: list[str] = Field(default_factory=list)
    values: dict[str, str] = Field(default_factory=dict)
    hourly: dict[str, int] = Field(default_factory=dict)
    nodes: dict[str, int] = Field(default_factory=dict)


class CauseResult(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    score: float
    why: str
    fix: list[str]
    confirm: list[str]
    title: str | None = None
    group: str | None = None
    entries: list[str] = Field(default_factory=list)


class Report(BaseModel):
    model_config = ConfigDict(extra="forbid")
    schema_: str = Field(default=SCHEMA, alias="schema")
    findings: list[Finding] = Field(default_factory=list)
    causes: list[CauseResult] = Field(default_factory=list)
    facts: dict[str, Any] = Field(default_factory=dict)
    distinguish: str | None = None
    notes: list[str] = Field(default_factory=list)
    unmatched: list[dict[str, Any]] = Field(default_factory=list)
    checks: list[dict[str, Any]] = Field(default_factory=list)
    flows: list[dict[str, Any]] = Field(default_factory=list)
    stats: dict[str, Any] = Field(default_factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, mode="json")

    @property
    def has_problem(self) -> bool:
        return bool(self.findings or any(c.get("severity") == "error" for c in self.checks) or self.causes)
