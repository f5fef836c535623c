"""Reads a profile file into a :class:`Profile`, with one-line errors a person can act on.

A profile is typed by hand, so every error names the place (line and column, or the field
path) and, for a misspelt key or value, the nearest valid one. Input is bounded (size, depth,
no YAML aliases) because a profile may come from anywhere, and no error message ever repeats
an input value that could be the client secret.
"""

from __future__ import annotations

import difflib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from authdoctor.errors import InputError
from authdoctor.profile.schema import Profile

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 16
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TYPE_WORDS = {"str", "int", "bool", "list", "date", "float", "dict", "none"}


class ProfileError(InputError):
    """The profile cannot be used as given; the message is one line."""


@dataclass
class LoadedProfile:
    profile: Profile
    name: str
    lines: dict[str, int] = field(default_factory=dict)  # field path -> 1-based line (for SARIF)


def load_profile(path: str) -> LoadedProfile:
    """Read ``path`` ('-' for stdin) as YAML or JSON and validate it."""
    name = "<stdin>" if path == "-" else path
    data = _read(path, name)
    return parse_profile(data, name, as_json=path.lower().endswith(".json"))


def parse_profile(data: bytes, name: str, as_json: bool = False) -> LoadedProfile:
    if len(data) > MAX_BYTES:
        raise ProfileError(f"{name}: more than {_size(MAX_BYTES)}; a profile may be at most {_size(MAX_BYTES)}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProfileError(f"{name}: not UTF-8 text (byte {exc.start + 1}); save the profile as UTF-8") from None
    if "\x00" in text:
        raise ProfileError(f"{name}: contains NUL bytes; a profile is a YAML or JSON text file")
    if not text.strip():
        raise ProfileError(f"{name}: the profile is empty; run `authdoctor check --init` for a template")
    lines = _scan(text, name, strict=not as_json)
    raw = _parse_json(text, name) if as_json else _parse_yaml(text, name)
    if raw is None:
        raise ProfileError(f"{name}: the profile is empty (only comments); `authdoctor check --init` writes a template")
    if not isinstance(raw, dict):
        kind = type(raw).__name__
        raise ProfileError(f"{name}: the profile must be a mapping of keys to values, not {_kind(kind)}")
    try:
        profile = Profile.model_validate(raw)
    except ValidationError as exc:
        raise ProfileError(_validation_message(exc, name, lines)) from None
    except RecursionError:
        raise ProfileError(f"{name}: nested too deeply") from None
    return LoadedProfile(profile, name, lines)


def _read(path: str, name: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read(MAX_BYTES + 1)
    p = Path(path)
    if not p.exists():
        raise ProfileError(f"{name}: no such file")
    if not p.is_file():
        raise ProfileError(f"{name}: not a file")
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise ProfileError(f"{name}: {_size(size)} is too large; a profile may be at most {_size(MAX_BYTES)}")
    try:
        with p.open("rb") as fh:
            return fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ProfileError(f"{name}: cannot read ({exc.strerror})") from None


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _kind(name: str) -> str:
    return {"list": "a list", "str": "a single string", "int": "a number", "float": "a number",
            "bool": "a boolean", "nothing": "nothing"}.get(name, name)


def _parse_yaml(text: str, name: str) -> object:
    try:
        return yaml.load(text, Loader=_Loader)  # a safe loader (CSafeLoader/SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise ProfileError(_yaml_message(exc, name, text)) from None
    except yaml.YAMLError as exc:
        raise ProfileError(f"{name}: not valid YAML ({type(exc).__name__})") from None
    except RecursionError:
        raise ProfileError(f"{name}: nested too deeply") from None


def _parse_json(text: str, name: str) -> object:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in items:
            if k in out:
                raise ProfileError(f"{name}: duplicate key {k!r}")
            out[k] = v
        return out

    try:
        return json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise ProfileError(f"{name}: line {exc.lineno}, column {exc.colno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise ProfileError(f"{name}: nested too deeply") from None


def _yaml_message(exc: yaml.MarkedYAMLError, name: str, text: str = "") -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    problem = exc.problem or exc.context or "syntax error"
    lines = text.splitlines()
    if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line]:
        problem += " (a tab: YAML indents with spaces only)"
    return f"{name}: {where}not valid YAML: {problem}"


def _scan(text: str, name: str, strict: bool) -> dict[str, int]:
    """Walk the YAML events once: refuse aliases, duplicate keys and deep nesting; map paths to lines.

    Aliases are refused because a few of them can expand into billions of nodes. For JSON
    input the walk only maps lines (JSON is parsed separately with exact positions).
    """
    lines: dict[str, int] = {}
    try:
        events = iter(yaml.parse(text, Loader=_Loader))
        _Walker(events, name, lines).document()
    except ProfileError:
        if strict:
            raise
    except yaml.MarkedYAMLError as exc:
        if strict:
            raise ProfileError(_yaml_message(exc, name, text)) from None
    except (yaml.YAMLError, RecursionError, StopIteration):
        if strict:
            raise ProfileError(f"{name}: not valid YAML") from None
    return lines


class _Walker:
    def __init__(self, events: Any, name: str, lines: dict[str, int]) -> None:
        self.events = events
        self.name = name
        self.lines = lines

    def document(self) -> None:
        docs = 0
        for ev in self.events:
            if isinstance(ev, yaml.DocumentStartEvent):
                docs += 1
                if docs > 1:
                    self._fail(ev, "holds more than one YAML document; put one profile per file")
                self.node(next(self.events), "", 0)

    def _fail(self, ev: Any, message: str) -> None:
        mark = ev.start_mark
        raise ProfileError(f"{self.name}: line {mark.line + 1}, column {mark.column + 1}: {message}")

    def node(self, ev: Any, path: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            self._fail(ev, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(ev, yaml.AliasEvent) or getattr(ev, "anchor", None):
            self._fail(ev, "YAML anchors and aliases (&, *) are not allowed in a profile")
        if isinstance(ev, yaml.SequenceStartEvent):
            for i, item in enumerate(self.events):
                if isinstance(item, yaml.SequenceEndEvent):
                    return
                self.node(item, f"{path}[{i}]", depth + 1)
        elif isinstance(ev, yaml.MappingStartEvent):
            seen: set[str] = set()
            for key in self.events:
                if isinstance(key, yaml.MappingEndEvent):
                    return
                if not isinstance(key, yaml.ScalarEvent):
                    self._fail(key, "keys must be plain names")
                child = f"{path}.{key.value}" if path else str(key.value)
                if key.value in seen:
                    self._fail(key, f"duplicate key {child!r}")
                seen.add(key.value)
                self.lines.setdefault(child, key.start_mark.line + 1)
                self.node(next(self.events), child, depth + 1)


# --- validation messages ------------------------------------------------------------------


def line_of(lines: dict[str, int], path: str) -> int | None:
    """The line of ``path`` or of its nearest parent that has one."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None


def _path(loc: tuple[int | str, ...]) -> str:
    """``('mail', 'port')`` -> ``mail.port``; union/type markers such as ``list[str]`` are dropped."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.lower() not in _TYPE_WORDS and "[" not in part:
            out += f".{part}" if out else part
    return out


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model whose fields the last part of ``loc`` names (for 'did you mean')."""
    model: type[BaseModel] = Profile
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        if info is None:
            continue
        sub = _submodel(info.annotation)
        if sub is None:
            return None
        model = sub
    return model


def _submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _submodel(arg)
        if found is not None:
            return found
    return None


def _names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _literal_values(loc: tuple[int | str, ...]) -> list[str]:
    model = _model_at(loc)
    last = loc[-1] if loc else None
    if model is None or not isinstance(last, str) or last not in model.model_fields:
        return []
    return _literals(model.model_fields[last].annotation)


def _literals(annotation: Any) -> list[str]:
    if get_origin(annotation) is Literal:
        return [str(a) for a in get_args(annotation)]
    out: list[str] = []
    for arg in get_args(annotation):
        out += _literals(arg)
    return out


def _suggest(word: str, choices: list[str]) -> str:
    low = {c.lower().replace("-", "_"): c for c in choices}
    hit = difflib.get_close_matches(word.lower().replace("-", "_"), list(low), n=1, cutoff=0.6)
    return f" (did you mean {low[hit[0]]!r}?)" if hit else ""


def _validation_message(exc: ValidationError, name: str, lines: dict[str, int]) -> str:
    errors = exc.errors(include_input=True, include_url=False)
    first = errors[0]
    loc = tuple(first["loc"])
    path = _path(loc)
    line = line_of(lines, path)
    where = f"{name}: line {line}: " if line else f"{name}: "
    secret = path.split(".")[0] == "client_secret"
    if first["type"] == "extra_forbidden":
        model = _model_at(loc) or Profile
        key = str(loc[-1]) if loc else "?"
        parent = path.rsplit(".", 1)[0] if "." in path else "the profile"
        msg = f"{where}unknown key {path!r} in {parent}{_suggest(key, _names(model))}"
    elif first["type"] == "literal_error":
        allowed = _literal_values(tuple(p for p in loc if isinstance(p, str)))
        given = first.get("input")
        hint = _suggest(given, allowed) if isinstance(given, str) and not secret else ""
        visible = isinstance(given, str) and not secret and len(given) < 60
        shown = f"{given!r} is not allowed" if visible else "not allowed"
        msg = f"{where}{path}: {shown}; use one of {', '.join(allowed)}{hint}"
    else:
        same = [e for e in errors if _path(tuple(e["loc"])) == path and e["type"] != "extra_forbidden"]
        text = str(same[0]["msg"])
        for other in same[1:]:
            alt = str(other["msg"]).removeprefix("Input should be ")
            if alt not in text:
                text += f" or {alt}"
        text = text.removeprefix("Value error, ")
        msg = f"{where}{path or 'profile'}: {text}"
    rest = len({_path(tuple(e["loc"])) for e in errors}) - 1
    if rest > 0:
        msg += f" (and {rest} more problem{'s' if rest > 1 else ''})"
    return msg
