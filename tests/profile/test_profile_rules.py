"""Every rule against its own examples, and the registry's house rules (style-anchors.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from authdoctor.kb.load import load_causes
from authdoctor.profile.rule import DOC_HEADINGS, EXAMPLE_TODAY, Context, MissingFacts
from authdoctor.profile.rules import LoadedRule, registry
from authdoctor.profile.run import run_rules
from authdoctor.profile.schema import Profile

CTX = Context(today=EXAMPLE_TODAY)
RULES = registry()
CASES = [
    pytest.param(lr, kind, ex, id=f"{lr.rule.id}::{kind}[{i}]")
    for lr in RULES
    for kind, examples in (("positive", lr.positive), ("negative", lr.negative))
    for i, ex in enumerate(examples)
]


@pytest.mark.parametrize(("lr", "kind", "example"), CASES)
def test_rule_examples(lr: LoadedRule, kind: str, example: dict[str, Any]) -> None:
    profile = Profile.model_validate(example)
    try:
        found = lr.check(profile, CTX)
    except MissingFacts as exc:  # an example must decide, not skip
        pytest.fail(f"example lacks facts: {exc.paths}")
    if kind == "positive":
        assert found, "a positive example must yield a finding"
        for f in found:
            assert f.rule is lr.rule and f.message.strip()
            assert set(f.causes) <= set(lr.rule.causes)
            assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in f.fix.items())
    else:
        assert found == [], [f.message for f in found]


def test_at_least_the_rules_the_issue_asks_for() -> None:
    ids = {lr.rule.id for lr in RULES}
    assert len(ids) >= 30
    for must in ("scopes_mixed_resources", "scopes_cloud_mismatch", "scopes_mail_exact_set",
                 "scopes_offline_access_missing", "scopes_separator", "github_oauth_app_no_refresh",
                 "endpoint_common_single_tenant", "endpoint_cloud_mismatch", "endpoint_plain_http",
                 "endpoint_issuer_discovery_mismatch", "endpoint_version_mix", "redirect_uri_not_registered_exactly",
                 "redirect_uri_none_registered", "redirect_uri_insecure_production", "secret_is_secret_id",
                 "secret_expired", "secret_expiring_soon", "support_pop_oauth", "support_jsm_microsoft_mail",
                 "support_application_links_oauth", "support_smtp_oauth", "support_jsm_gov_cloud",
                 "support_jsm_multichannel_beta", "mail_pop_two_line_format", "proxy_non_proxy_hosts",
                 "proxy_basic_auth_tunneling", "cluster_sticky_sessions"):
        assert must in ids


@pytest.mark.parametrize("lr", RULES, ids=[lr.rule.id for lr in RULES])
def test_rule_metadata(lr: LoadedRule) -> None:
    r = lr.rule
    assert len(r.title) <= 100 and not r.title.endswith(".") and not r.title.lower().startswith("ensure")
    assert set(r.causes) <= set(load_causes()), "every cause must exist in causes.yaml"
    positions = [r.docs.index(h) for h in DOC_HEADINGS]
    assert positions == sorted(positions), "docs headings in the fixed order"
    for h in DOC_HEADINGS:
        body = r.docs.split(h, 1)[1].split("##", 1)[0]
        assert len(body.split()) >= 8, f"{h} says too little"


def test_titles_are_unique() -> None:
    titles = [lr.rule.title for lr in RULES]
    assert len(titles) == len(set(titles))


def test_every_rule_survives_every_example() -> None:
    """No rule may crash on another rule's example (a profile it was not written for)."""
    for lr in RULES:
        for ex in (*lr.positive, *lr.negative):
            run = run_rules(Profile.model_validate(ex), CTX)
            assert run.crashed == {}, run.crashed


def test_an_empty_profile_skips_rules_and_names_the_facts() -> None:
    run = run_rules(Profile(), CTX)
    assert run.findings == [] and run.crashed == {}
    enable = run.would_enable()
    assert "scopes" in enable and "cluster.nodes" in enable and "client_secret_expires" in enable
    assert len(run.skipped) + len(run.ran) == len(RULES)


def test_expiry_window_follows_the_context() -> None:
    p = Profile.model_validate({"client_secret_expires": "2024-07-15"})
    ids = {f.rule.id for f in run_rules(p, Context(today=EXAMPLE_TODAY)).findings}
    assert "secret_expiring_soon" not in ids
    ids = {f.rule.id for f in run_rules(p, Context(today=EXAMPLE_TODAY, expiry_days=60)).findings}
    assert "secret_expiring_soon" in ids


def test_fix_is_data_with_the_users_values() -> None:
    p = Profile.model_validate({
        "provider": "microsoft", "app_account_type": "single-tenant", "tenant_id": "contoso.onmicrosoft.com",
        "authorization_endpoint": "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
        "token_endpoint": "https://login.microsoftonline.com/common/oauth2/v2.0/token",
        "scopes": ["https://outlook.office.com/IMAP.AccessAsUser.All",
                   "https://outlook.office365.com/POP.AccessAsUser.All", "offline_access"],
        "redirect_uri": "https://jira.example.com/cb", "registered_redirect_uris": ["https://jira.example.com/cb/"],
        "runtime": {"java_version": "8u121", "proxy": {"host": "proxy.example.com", "auth": "basic"}},
    })
    fixes = {f.rule.id: f.fix for f in run_rules(p, CTX).findings}
    assert fixes["endpoint_common_single_tenant"] == {
        "authorization_endpoint": "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize",
        "token_endpoint": "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
    }
    assert fixes["scopes_mixed_resources"] == {"scopes": "https://outlook.office.com/IMAP.AccessAsUser.All "
                                                         "https://outlook.office.com/POP.AccessAsUser.All offline_access"}
    assert fixes["redirect_uri_not_registered_exactly"] == {"registered_redirect_uris[+]": "https://jira.example.com/cb"}
    assert fixes["proxy_basic_auth_tunneling"] == {"runtime.jvm_args[+]": "-Djdk.http.auth.tunneling.disabledSchemes="}


def test_docs_rule_reference_is_fresh() -> None:
    from pathlib import Path

    from authdoctor.profile.docs import splice

    doc = (Path(__file__).resolve().parents[2] / "docs" / "check.md").read_text(encoding="utf-8")
    assert splice(doc) == doc, "regenerate: python -m authdoctor.profile.docs docs/check.md"


def test_redaction_leaves_rule_text_alone() -> None:
    """Rule prose and computed fixes must not look like secrets, or every renderer would mangle them."""
    from authdoctor.redact import redact

    for lr in RULES:
        assert redact(lr.rule.docs) == lr.rule.docs, lr.rule.id
        assert redact(lr.rule.title) == lr.rule.title, lr.rule.id
        for ex in lr.positive:
            for f in lr.check(Profile.model_validate(ex), CTX):
                assert redact(f.message) == f.message, (lr.rule.id, f.message)
                for k, v in f.fix.items():
                    assert redact(f"{k}: {v}") == f"{k}: {v}", (lr.rule.id, k, v)
                    assert redact(json.dumps({k: v})) == json.dumps({k: v}), (lr.rule.id, k, v)


def test_non_proxy_fix_keeps_http_and_https_entries() -> None:
    """The suggested flags keep every existing pattern, from both properties, not only the first."""
    from authdoctor.profile.rules import proxy_non_proxy_hosts

    profile = Profile.model_validate({
        "token_endpoint": "https://oauth2.googleapis.com/token",
        "runtime": {"jvm_args": "-Dhttps.proxyHost=proxy.example.com -Dhttp.nonProxyHosts=*.corp.local "
                                "-Dhttps.nonProxyHosts=*.intra.net"},
    })
    [finding] = proxy_non_proxy_hosts.check(profile, CTX)
    value = "*.corp.local|*.intra.net|*.googleapis.com"
    assert finding.fix == {"runtime.jvm_args[+]": f"-Dhttp.nonProxyHosts={value} -Dhttps.nonProxyHosts={value}"}
