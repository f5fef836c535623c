"""``authdoctor check`` and ``diagnose --profile`` as a user meets them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from authdoctor.cli.main import app
from authdoctor.profile.rules import registry

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "profiles"
TODAY = "2025-06-20"
EXPECTED = {
    "single-tenant-common.yaml": (1, {"endpoint_common_single_tenant"}),
    "mixed-scopes.yaml": (1, {"scopes_mixed_resources", "scopes_mail_exact_set"}),
    "gcc-high-worldwide-host.yaml": (1, {"endpoint_cloud_mismatch", "scopes_cloud_mismatch", "support_jsm_gov_cloud",
                                         "scopes_mail_exact_set"}),
    "pop-jira-8.13.1.yaml": (1, {"support_pop_oauth", "mail_pop_two_line_format"}),
    "proxy-without-non-proxy-hosts.yaml": (0, {"proxy_non_proxy_hosts"}),
    "proxy-basic-auth-java8.yaml": (1, {"proxy_basic_auth_tunneling"}),
    "secret-id-instead-of-value.yaml": (1, {"secret_is_secret_id"}),
    "secret-expiring.yaml": (0, {"secret_expiring_soon"}),
    "cluster-without-sticky-sessions.yaml": (1, {"cluster_sticky_sessions"}),
    "healthy.yaml": (0, set()),
}


def check(*args: str, stdin: str | bytes | None = None) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, ["check", *args], input=stdin)
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r.exit_code, r.stdout, r.stderr


def test_every_example_profile_is_covered() -> None:
    assert {p.name for p in EXAMPLES.glob("*.yaml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_profiles(name: str) -> None:
    code, out, err = check(str(EXAMPLES / name), "--format", "json", "--today", TODAY)
    want_code, want_rules = EXPECTED[name]
    assert code == want_code, err
    data = json.loads(out)
    assert data["schema"] == "authdoctor.report/1"
    assert {c["rule"] for c in data["checks"]} == want_rules
    for c in data["checks"]:
        assert set(c) >= {"rule", "title", "severity", "causes", "message", "fix", "docs"}
    pointed = {cause for c in data["checks"] if c["severity"] != "info" for cause in c["causes"]}
    assert {c["id"] for c in data["causes"]} == pointed
    for cause in data["causes"]:
        assert cause["fix"] and cause["confirm"] is not None
    assert all(f["source"] == "profile" for f in data["facts"].values())
    for fmt in ("text", "markdown", "sarif"):
        code, out, _ = check(str(EXAMPLES / name), "--format", fmt, "--today", TODAY)
        assert code == want_code
        assert not re.search(r"<[a-z_]+:…[0-9a-f]{4}>", out), "nothing in a check report should look like a secret"


def test_single_tenant_fix_carries_the_tenant_id() -> None:
    _, out, _ = check(str(EXAMPLES / "single-tenant-common.yaml"), "-f", "json")
    fix = json.loads(out)["checks"][0]["fix"]
    assert fix["token_endpoint"] == (
        "https://login.microsoftonline.com/0e5c1f1a-2b3c-4d5e-8f90-123456789abc/oauth2/v2.0/token")


def test_text_markdown_and_sarif() -> None:
    profile = str(EXAMPLES / "gcc-high-worldwide-host.yaml")
    code, text, _ = check(profile, "--width", "200")
    assert code == 1
    assert "[error] endpoint_cloud_mismatch" in text and "fix mail.host: outlook.office365.us" in text
    assert "Root causes, most likely first" in text and "national_cloud_mismatch" in text
    code, md, _ = check(profile, "-f", "markdown")
    assert code == 1 and md.startswith("# authdoctor report") and "## Configuration checks" in md
    assert "## Computed fixes" in md and "`mail.host` = `outlook.office365.us`" in md
    code, sarif_text, _ = check(profile, "-f", "sarif")
    assert code == 1
    sarif = json.loads(sarif_text)
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    run = sarif["runs"][0]
    assert len(run["tool"]["driver"]["rules"]) == len(registry())
    results = {r["ruleId"]: r for r in run["results"]}
    assert results["endpoint_cloud_mismatch"]["level"] == "error"
    assert results["scopes_mail_exact_set"]["level"] == "warning"
    loc = results["support_jsm_gov_cloud"]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == Path(profile).as_uri() and loc["region"]["startLine"] == 4
    rules = run["tool"]["driver"]["rules"]
    assert rules[results["scopes_cloud_mismatch"]["ruleIndex"]]["id"] == "scopes_cloud_mismatch"


def test_clean_profile_exits_0_and_names_facts_that_would_help(tmp_path: Path) -> None:
    p = tmp_path / "small.yaml"
    p.write_text("product: jira\nproduct_version: '9.12.2'\nprovider: google\n")
    code, out, _ = check(str(p))
    assert code == 0 and "rules were skipped for lack of facts" in out and "scopes (" in out
    code, out, _ = check(str(p), "-f", "sarif")
    assert code == 0 and json.loads(out)["runs"][0]["results"] == []


def test_warnings_alone_exit_0_and_expiry_days_moves_the_window() -> None:
    profile = str(EXAMPLES / "secret-expiring.yaml")
    assert check(profile, "--today", TODAY)[0] == 0
    _, out, _ = check(profile, "--today", TODAY, "--expiry-days", "5", "-f", "json")
    assert json.loads(out)["checks"] == []
    code, out, _ = check(profile, "--today", "2025-07-02", "-f", "json")
    assert code == 1 and [c["rule"] for c in json.loads(out)["checks"]] == ["secret_expired"]


def test_stdin_profile() -> None:
    code, out, _ = check("-", "-f", "json", stdin="cluster: {nodes: 2, sticky_sessions: false}\n")
    assert code == 1 and json.loads(out)["checks"][0]["rule"] == "cluster_sticky_sessions"


def test_init_writes_a_template_that_checks(tmp_path: Path) -> None:
    code, out, _ = check("--init", "--product", "jsm", "--provider", "google")
    assert code == 0 and "product: jsm" in out and "provider: google" in out and "https://mail.google.com/" in out
    target = tmp_path / "profile.yaml"
    code, _, err = check("--init", str(target), "--product", "posit-connect", "--provider", "snowflake")
    assert code == 0 and target.exists() and "wrote" in err
    assert check(str(target))[0] == 0
    code, _, err = check("--init", str(target))
    assert code == 2 and "already exists" in err
    code, _, err = check("--init", "--product", "jiraa")
    assert code == 2 and "unknown product 'jiraa'" in err


def test_list_rules_and_schema() -> None:
    code, out, _ = check("--list-rules", "-f", "json")
    assert code == 0 and len(json.loads(out)) == len(registry())
    code, out, _ = check("--schema")
    assert code == 0 and json.loads(out)["additionalProperties"] is False


def test_usage_errors() -> None:
    assert check(str(EXAMPLES / "healthy.yaml"), "--provider", "okta")[0] == 2
    assert check(str(EXAMPLES / "healthy.yaml"), "--today", "soon")[0] == 2


CANARY = "CanarySecret~7f3Qz9wLk2pX8vRt4mNb6yHc1dJs5aGe"


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "sarif"])
def test_secret_never_appears_in_check_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    direct = tmp_path / "direct.yaml"
    direct.write_text(f"provider: microsoft\nclient_id: app-1\nclient_secret: '{CANARY}'\n"
                      "client_secret_expires: 2020-01-01\ncluster: {nodes: 2, sticky_sessions: false}\n")
    guid = "3f2b8c1e-9d4a-4e6b-b7a1-0c5d2e8f9a31"
    as_id = tmp_path / "id.yaml"
    as_id.write_text(f"provider: microsoft\nclient_secret: {guid}\n")
    via_env = tmp_path / "env.yaml"
    via_env.write_text("provider: microsoft\nclient_secret: env:AD_CANARY\n")
    monkeypatch.setenv("AD_CANARY", CANARY)
    for path, secret in ((direct, CANARY), (as_id, guid), (via_env, CANARY)):
        code, out, err = check(str(path), "-f", fmt)
        assert code == 1 or path == via_env
        assert secret not in out and secret not in err
        assert secret[:12] not in out


@pytest.mark.parametrize("text", [
    f"client_secret: ['{CANARY}']\n",
    f"client_secret: {{value: '{CANARY}'}}\n",
    f"client_secret_value: '{CANARY}'\n",
    f"mail:\n  password: '{CANARY}'\n",
    f"client_secret: '{CANARY}'\nnodes: 3\n",
])
def test_secret_never_appears_in_errors(tmp_path: Path, text: str) -> None:
    p = tmp_path / "p.yaml"
    p.write_text(text)
    code, out, err = check(str(p))
    assert code == 2 and CANARY not in out + err


def diagnose(log: Path, *args: str) -> tuple[int, dict[str, object]]:
    r = CliRunner().invoke(app, ["diagnose", str(log), "--format", "json", "--quiet", *args])
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r.exit_code, json.loads(r.stdout)


AUTH_FAILED = ("2022-06-01 09:15:00,123+0000 Caesium-1-1 ERROR ServiceRunner [c.a.mail.incoming.mailfetcherservice] "
               "Support Mail Handler[10200]: Could not connect to the mail server: "
               "javax.mail.AuthenticationFailedException: AUTHENTICATE failed.\n")


def test_diagnose_profile_reranks_the_causes(tmp_path: Path) -> None:
    log = tmp_path / "atlassian-jira-incoming-mail.log"
    log.write_text(AUTH_FAILED)
    code, plain = diagnose(log)
    assert code == 1
    plain_causes = [c["id"] for c in plain["causes"]]  # type: ignore[index]
    code, ranked = diagnose(log, "--profile", str(EXAMPLES / "mixed-scopes.yaml"))
    assert code == 1
    causes = [c["id"] for c in ranked["causes"]]  # type: ignore[index]
    assert causes[0].startswith("scope"), causes
    assert causes[0] == "scope_mixed_resources" and "scope_mixed_resources" not in plain_causes[:1]
    facts = ranked["facts"]
    assert facts["cloud"] == {"value": "worldwide", "source": "profile"}  # type: ignore[index]
    assert ranked["findings"][0]["entry"] == plain["findings"][0]["entry"]  # type: ignore[index]


def test_diagnose_profile_errors_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("clustr: {}\n")
    log = tmp_path / "a.log"
    log.write_text(AUTH_FAILED)
    r = CliRunner().invoke(app, ["diagnose", str(log), "--profile", str(bad)])
    assert r.exit_code == 2 and "did you mean 'cluster'" in r.stderr and r.stdout == ""
