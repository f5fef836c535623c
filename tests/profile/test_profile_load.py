"""Profiles with mistakes get one clear line and exit code 2; the schema file stays generated."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from authdoctor.cli.main import app
from authdoctor.profile.load import MAX_BYTES, ProfileError, load_profile, parse_profile
from authdoctor.profile.schema import schema_text
from authdoctor.profile.template import INTEGRATIONS, PRODUCTS, PROVIDERS, template

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "src" / "authdoctor" / "schemas" / "profile.schema.json"


def error_of(text: str | bytes, name: str = "p.yaml") -> str:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(ProfileError) as exc:
        parse_profile(data, name, as_json=name.endswith(".json"))
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


@pytest.mark.parametrize(("text", "expected"), [
    ("product: jira\nscopes: [a, b\nprovider: microsoft\n", "p.yaml: line 3, column 9: not valid YAML"),
    ("\tproduct: jira\n", "a tab: YAML indents with spaces only"),
    ("product: jira\ncluster:\n  nodes: three\n", "line 3: cluster.nodes: Input should be a valid integer"),
    ("mail:\n  port: 99999\n", "mail.port: Input should be less than or equal to 65535"),
    ("product_version: 8.20\n", 'write the version in quotes, e.g. "8.20.1"'),
    ("product_version: banana\n", 'expected a version such as "8.20.1"'),
    ("scopes: 5\n", "scopes: Input should be a valid list or a valid string"),
    ("client_secret_expires: next week\n", "client_secret_expires: Input should be a valid date"),
    ("product: jira\nclient-id: x\n", "line 2: unknown key 'client-id' in the profile (did you mean 'client_id'?)"),
    ("scope: openid\n", "(did you mean 'scopes'?)"),
    ("mail:\n  protocl: pop\n", "unknown key 'mail.protocl' in mail (did you mean 'protocol'?)"),
    ("runtime:\n  proxy:\n    non_proxy_host: [a]\n", "(did you mean 'non_proxy_hosts'?)"),
    ("mail:\n  protocol: pop3\n", "mail.protocol: 'pop3' is not allowed; use one of imap, pop, smtp (did you mean 'pop'?)"),
    ("cloud: gcchigh\n", "(did you mean 'gcc-high'?)"),
    ("a: &x [1, 2]\nb: *x\n", "anchors and aliases"),
    ("product: jira\nproduct: jsm\n", "line 2, column 1: duplicate key 'product'"),
    ("- a\n- b\n", "must be a mapping of keys to values, not a list"),
    ("just text\n", "not a single string"),
    ("product: jira\n---\nproduct: jsm\n", "more than one YAML document"),
    ("[" * 200 + "]" * 200, "nested more than 16 levels deep"),
    ("", "the profile is empty"),
    ("   \n# only a comment\n", "the profile is empty"),
])
def test_clear_errors(text: str, expected: str) -> None:
    assert expected in error_of(text)


def test_several_problems_are_counted() -> None:
    assert "(and 2 more problems)" in error_of("nodes: 3\nfoo: 1\ncloud: mars\n")


def test_json_profiles() -> None:
    assert "line 2, column 14: not valid JSON" in error_of('{"product": "jira",\n "provider": }', "p.json")
    assert "duplicate key 'product'" in error_of('{"product": "jira", "product": "jsm"}', "p.json")
    loaded = parse_profile(b'{"$schema": "x", "product": "jira", "scopes": ["openid"]}', "p.json", as_json=True)
    assert loaded.profile.product == "jira"


def test_junk_and_size() -> None:
    assert "more than 1.0 MB" in error_of(b"x" * (MAX_BYTES + 1))
    assert "not UTF-8" in error_of(bytes(range(128, 256)) * 10)
    assert "NUL bytes" in error_of(b"product: jira\x00\n")


def test_ten_megabytes_of_junk_exit_2(tmp_path: Path) -> None:
    junk = tmp_path / "junk.yaml"
    junk.write_bytes(os.urandom(10 * 1024 * 1024))
    r = CliRunner().invoke(app, ["check", str(junk)])
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.strip() == f"authdoctor: {junk}: 10.0 MB is too large; a profile may be at most 1.0 MB"
    r = CliRunner().invoke(app, ["check", "-"], input=os.urandom(3 * 1024 * 1024))
    assert r.exit_code == 2 and "more than 1.0 MB" in r.stderr


@pytest.mark.parametrize(("text", "word"), [
    ("product: jira\nscopes: [a\n", "not valid YAML"),
    ("cluster:\n  nodes: many\n", "cluster.nodes"),
    ("clientid: x\n", "did you mean 'client_id'"),
])
def test_cli_errors_exit_2_with_one_line(tmp_path: Path, text: str, word: str) -> None:
    p = tmp_path / "p.yaml"
    p.write_text(text)
    r = CliRunner().invoke(app, ["check", str(p)])
    assert r.exit_code == 2 and r.stdout == ""
    assert word in r.stderr and r.stderr.count("\n") == 1


def test_missing_file_and_line_map(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="no such file"):
        load_profile(str(tmp_path / "nope.yaml"))
    p = tmp_path / "ok.yaml"
    p.write_text("product: jira\nmail:\n  protocol: pop\nscopes:\n  - openid\n")
    loaded = load_profile(str(p))
    assert loaded.lines == {"product": 1, "mail": 2, "mail.protocol": 3, "scopes": 4}


def test_env_secret_is_read_at_use(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = parse_profile(b"client_secret: env:AD_TEST_SECRET\n", "p.yaml")
    monkeypatch.delenv("AD_TEST_SECRET", raising=False)
    assert loaded.profile.secret_value() is None and loaded.profile.secret_env_var() == "AD_TEST_SECRET"
    monkeypatch.setenv("AD_TEST_SECRET", "from-env")
    assert loaded.profile.secret_value() == "from-env"
    assert "from-env" not in repr(loaded.profile) and "from-env" not in loaded.profile.model_dump_json()


def test_shipped_schema_is_generated_from_the_model() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "regenerate: python -m authdoctor.profile.schema > src/authdoctor/schemas/profile.schema.json")


def test_every_template_is_a_valid_profile() -> None:
    for product in PRODUCTS:
        for provider in PROVIDERS:
            for integration in (None, *INTEGRATIONS):
                loaded = parse_profile(template(product, provider, integration).encode(), "t.yaml")
                assert loaded.profile.product == product and loaded.profile.provider == provider


def test_uncommented_template_is_valid_too() -> None:
    text = template("jira", "microsoft", "mail-handler")
    lines = [line.replace("# ", "", 1) if line.lstrip().startswith("# ") and ":" in line
             and not line.lstrip().startswith("# ---") and not line.startswith("# authdoctor")
             and " " not in line.lstrip()[2:].split(":", 1)[0] else line for line in text.splitlines()]
    profile = parse_profile("\n".join(lines).encode(), "t.yaml").profile
    assert profile.mail is not None and profile.mail.protocol == "imap"
    assert profile.cluster is not None and profile.cluster.sticky_sessions is True
