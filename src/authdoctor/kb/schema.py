"""The knowledge-base entry schema.

Entries are data reviewed like code, so the schema is strict: unknown keys are errors
(a typo in a field name must not silently disable a signature), and every pattern is
checked to compile in the linear-time dialect the scanner uses.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ENTRY_ID = r"^[a-z0-9][a-z0-9-]{2,80}$"
FACT_NAME = r"^[a-z][a-z0-9_]{1,40}$"


class Strict(BaseModel):
    # defer_build: validators are built on first validation; unpickling cached entries needs none
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Signature(Strict):
    """One way an entry shows up in text. Exactly one of code/word/text/regex is set.

    - ``code``: an error code matched as a whole token (``AADSTS50011`` never fires on
      ``AADSTS500113``); also indexed for ``explain``.
    - ``word``: a bare identifier such as ``invalid_grant`` matched as a whole word.
    - ``text``: a literal message fragment; whitespace in it matches any whitespace run.
    - ``regex``: a pattern in the RE2 ∩ Hyperscan dialect (no lookaround, no
      backreferences); needs ``anchor``.

    ``anchor`` is a literal that every matching text must contain; the fast scanner looks
    for anchors in raw bytes and only hands the surrounding record to the full matcher.
    It is derived for code/word/text and must be given for regex.
    """

    code: str | None = None
    word: str | None = None
    text: str | None = None
    regex: str | None = None
    anchor: str | None = None
    ignore_case: bool = False

    @model_validator(mode="after")
    def _exactly_one(self) -> Signature:
        kinds = [k for k in ("code", "word", "text", "regex") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(f"a signature needs exactly one of code/word/text/regex, got {kinds or 'none'}")
        if self.regex is not None and not self.anchor:
            raise ValueError("a regex signature needs an 'anchor': a literal every match contains")
        for k in ("code", "word"):
            v = getattr(self, k)
            if v is not None and not re.fullmatch(r"[A-Za-z0-9_.\-]{2,80}", v):
                raise ValueError(f"{k} {v!r} must be a single token of letters, digits, _ . -")
        return self

    @property
    def kind(self) -> str:
        for k in ("code", "word", "text", "regex"):
            if getattr(self, k) is not None:
                return k
        raise AssertionError("unreachable")

    @property
    def value(self) -> str:
        return str(getattr(self, self.kind))


Kind = Literal["log", "url", "har", "jwt", "token_response", "text"]


def _default_kinds() -> list[Kind]:
    return ["log", "text"]


class Match(Strict):
    """``any``: the entry fires when one of these matches a record.

    ``all``: optional extra signatures that must *also* match the same record (used to
    narrow a generic message, e.g. "Connection reset" only inside an SSLException).
    ``none``: signatures that veto the entry for that record (a more specific entry owns it).
    ``extract``: named values taken from the matching record with one capture group
    ``(?P<v>...)`` each, reused in fix text as ``{name}``.
    """

    kinds: list[Kind] = Field(default_factory=_default_kinds)
    any: list[Signature] = Field(min_length=1)
    all: list[Signature] = Field(default_factory=list)
    none: list[Signature] = Field(default_factory=list)
    extract: dict[Annotated[str, Field(pattern=FACT_NAME)], str] = Field(default_factory=dict)


class Condition(Strict):
    """A test on the facts known about the case (from --hint, flags, profile, evidence).

    Exactly one operator besides ``fact``/``finding`` is used:
    ``equals``, ``in``, ``present`` (true/false), ``version_in`` (list of PEP 440
    specifier sets, any of which may hold, e.g. ``["<8.5.12", ">=8.6,<8.13.4"]``),
    ``contains`` (substring of a text/list fact). ``finding`` instead tests whether
    another knowledge-base entry was also found in the same case.
    """

    fact: str | None = Field(default=None, pattern=FACT_NAME)
    finding: str | None = Field(default=None, pattern=ENTRY_ID)
    equals: str | int | bool | None = None
    in_: list[str] | None = Field(default=None, alias="in")
    present: bool | None = None
    version_in: list[str] | None = None
    contains: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    @model_validator(mode="after")
    def _one_operator(self) -> Condition:
        if (self.fact is None) == (self.finding is None):
            raise ValueError("a condition tests exactly one of 'fact' or 'finding'")
        ops = [o for o in ("equals", "in_", "present", "version_in", "contains") if getattr(self, o) is not None]
        if self.finding is not None and ops:
            raise ValueError("a 'finding' condition takes no operator")
        if self.fact is not None and len(ops) != 1:
            raise ValueError(f"a 'fact' condition needs exactly one operator, got {ops or 'none'}")
        return self


class Adjust(Strict):
    """Multiply a cause's prior by ``times`` when ``when`` holds (``times`` < 1 lowers it)."""

    when: Condition = Field(alias="if")
    times: float = Field(gt=0, le=50)
    why: str | None = Field(default=None, max_length=200)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class CauseLink(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]+$")
    weight: float = Field(gt=0, le=1)
    adjust: list[Adjust] = Field(default_factory=list)
    fix: list[str] = Field(default_factory=list)
    confirm: list[str] = Field(default_factory=list)


class Reference(Strict):
    seed: str | None = None
    url: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one(self) -> Reference:
        if (self.seed is None) == (self.url is None):
            raise ValueError("a reference is either a seed file name or a url")
        if self.url is not None and not self.url.startswith("https://"):
            raise ValueError("reference urls must be https://")
        return self


class MatchExample(Strict):
    """A text that must yield the entry; ``expect`` pins extracted values, ``also`` names the
    other non-generic entries that legitimately fire on the same text (anything else firing
    is reported as an overlap)."""

    text: str = Field(min_length=1)
    expect: dict[str, str] = Field(default_factory=dict)
    also: list[str] = Field(default_factory=list)


class Examples(Strict):
    match: list[MatchExample] = Field(min_length=1)
    no_match: list[str] = Field(min_length=1)
    todo: list[str] = Field(default_factory=list)

    @field_validator("match", mode="before")
    @classmethod
    def _strings_are_examples(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [{"text": x} if isinstance(x, str) else x for x in v]
        return v


class Entry(Strict):
    id: str = Field(pattern=ENTRY_ID)
    title: str = Field(min_length=8, max_length=100)
    status: Literal["draft", "stable", "deprecated"] = "stable"
    since: str = "0.1.0"
    provider: str = Field(pattern=r"^[a-z0-9][a-z0-9-]+$")
    product: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]+$")
    codes: list[str] = Field(default_factory=list)
    names: list[str] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list, description="OAuth/OIDC `error` words this entry covers")
    match: Match
    causes: list[CauseLink] = Field(min_length=1)
    explain: str = Field(min_length=20)
    fix: list[str] = Field(min_length=1)
    confirm: list[str] = Field(min_length=1)
    references: list[Reference] = Field(min_length=1)
    examples: Examples
    aliases: list[str] = Field(default_factory=list, description="former ids of this entry")
    generic: bool = Field(
        default=False,
        description="a catch-all (a bare OAuth error word): dropped from a record when a specific entry matches it",
    )

    @property
    def primary_cause(self) -> str:
        return max(self.causes, key=lambda c: c.weight).id


class CauseInfo(Strict):
    """One row of causes.yaml (the public taxonomy)."""

    id: str
    group: str
    summary: str


class CauseGuide(Strict):
    """Our own generic fix/confirm text for one cause, used when an entry has none for it."""

    title: str = Field(max_length=100)
    fix: list[str] = Field(min_length=1)
    confirm: list[str] = Field(min_length=1)
