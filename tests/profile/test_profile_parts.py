"""The helpers the rules share: scope splitting, Java versions, proxy matching, Microsoft hosts."""

from __future__ import annotations

import pytest

from authdoctor.profile import microsoft as ms
from authdoctor.profile.facts import profile_facts
from authdoctor.profile.jvm import covered, java_version, proxy, wildcard_for
from authdoctor.profile.schema import Profile
from authdoctor.profile.scopes import resource, scope_list, split_scope


@pytest.mark.parametrize(("item", "parts"), [
    ("offline_access", ["offline_access"]),
    ("a,b", ["a", "b"]),
    ("a;b", ["a", "b"]),
    ("openid%20profile", ["openid", "profile"]),
    ("https://x.com/A.Allhttps://x.com/B.All", ["https://x.com/A.All", "https://x.com/B.All"]),
    ("https://x.com/A.Alloffline_access", ["https://x.com/A.All", "offline_access"]),
    ("https://www.googleapis.com/auth/userinfo.email", ["https://www.googleapis.com/auth/userinfo.email"]),
    ("api://0e5c1f1a/access_as_user", ["api://0e5c1f1a/access_as_user"]),
])
def test_split_scope(item: str, parts: list[str]) -> None:
    assert split_scope(item) == parts


def test_scope_list_accepts_a_string_or_a_list() -> None:
    assert scope_list(Profile(scopes="a  b a")) == ["a", "b"]
    assert scope_list(Profile(scopes=["a b", "c"])) == ["a", "b", "c"]


@pytest.mark.parametrize(("scope", "res"), [
    ("https://outlook.office.com/IMAP.AccessAsUser.All", "https://outlook.office.com"),
    ("https://Outlook.Office365.com/POP.AccessAsUser.All", "https://outlook.office365.com"),
    ("User.Read", "https://graph.microsoft.com"),
    ("offline_access", None),
    ("https://graph.microsoft.com/.default", "https://graph.microsoft.com"),
])
def test_resource(scope: str, res: str | None) -> None:
    assert resource(scope) == res


@pytest.mark.parametrize(("text", "version"), [
    ("1.8.0_292", (8, 0, 292)), ("8u121", (8, 0, 121)), ("11.0.20", (11, 0, 20)), ("17", (17, 0, 0)),
    ("11.0.20+8", (11, 0, 20)), ("banana", None), (None, None),
])
def test_java_version(text: str | None, version: tuple[int, int, int] | None) -> None:
    assert java_version(text) == version


def test_non_proxy_hosts_matching() -> None:
    assert covered("outlook.office365.com", ["*.office365.com"])
    assert covered("LOGIN.microsoftonline.com", ["localhost", "*.microsoftonline.com"])
    assert not covered("outlook.office365.us", ["*.office365.com"])
    assert wildcard_for("outlook.office365.com") == "*.office365.com"


def test_proxy_view_merges_jvm_args_and_settings() -> None:
    p = Profile.model_validate({"runtime": {
        "jvm_args": '-Dhttps.proxyHost=proxy -Dhttps.nonProxyHosts="*.a.com|*.b.com"',
        "proxy": {"non_proxy_hosts": ["*.c.com"]}}})
    view = proxy(p)
    assert view.host == "proxy" and view.non_proxy == ["*.a.com", "*.b.com", "*.c.com"]


def test_microsoft_helpers() -> None:
    assert ms.replace_tenant("https://login.microsoftonline.com/common/oauth2/v2.0/token", "t1") == \
        "https://login.microsoftonline.com/t1/oauth2/v2.0/token"
    assert ms.swap_host("https://login.microsoftonline.com:443/x", "login.microsoftonline.us") == \
        "https://login.microsoftonline.us:443/x"
    assert ms.is_microsoft(Profile(token_endpoint="https://login.microsoftonline.com/x/oauth2/v2.0/token"))
    assert not ms.is_microsoft(Profile(provider="okta"))


def test_profile_facts_use_the_kb_fact_names() -> None:
    p = Profile.model_validate({
        "product": "jira", "product_version": "8.20.1", "provider": "microsoft", "cloud": "gcc-high",
        "client_secret": "never-a-fact", "mail": {"protocol": "pop", "shared_mailbox": True},
        "runtime": {"java_version": "1.8.0_292", "jvm_args": "-Dhttps.proxyHost=p"},
        "cluster": {"nodes": 3, "sticky_sessions": False},
    })
    facts = profile_facts(p)
    assert facts.values["protocol"] == "pop" and facts.values["java_version"] == "8.0.292"
    assert facts.values["clustered"] is True and facts.values["sticky_sessions"] is False
    assert facts.values["proxy"] is True and facts.values["mailbox_shared"] is True
    assert set(facts.sources.values()) == {"profile"}
    assert "never-a-fact" not in repr(facts)
