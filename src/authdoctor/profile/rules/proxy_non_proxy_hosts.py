"""An outbound proxy without non-proxy hosts for the provider and mail host (seed 003 root cause 16)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile import microsoft as ms
from authdoctor.profile.jvm import configured_proxy, covered, wildcard_for
from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, MissingFacts, Rule
from authdoctor.profile.schema import Profile
from authdoctor.profile.versions import is_mail

RULE = Rule(
    id="proxy_non_proxy_hosts",
    title="Provider or mail hosts go through the outbound proxy",
    severity="warning",
    causes=("proxy_misrouted",),
    docs="""\
## What it checks
When the JVM has an outbound proxy (`-Dhttps.proxyHost`, `-Dhttp.proxyHost` or
`runtime.proxy.host`), checks that the hosts the server itself contacts (token, user-info
and JWKS endpoints, the mail server; for Microsoft without endpoints, the cloud's login and
mail hosts) are covered by `http.nonProxyHosts` / `https.nonProxyHosts`.

## Why it matters
A proxy that is not meant for this traffic often blocks it or breaks TLS, and the server
cannot fetch tokens or reach the mailbox, while the browser part of the flow works.

## How to fix
Add the computed JVM flags to `setenv.sh` (`JVM_SUPPORT_RECOMMENDED_ARGS`) and restart.
The JDK reads `http.nonProxyHosts` for HTTPS too; Atlassian's article names
`https.nonProxyHosts`; the fix sets both. Skip this if your network policy requires the
proxy for this traffic, and make sure the proxy allows it instead.
""",
)

SERVER_FIELDS = ("token_endpoint", "userinfo_endpoint", "jwks_uri")


def server_hosts(profile: Profile) -> list[str]:
    hosts = [h for h in (ms.host(getattr(profile, f)) for f in SERVER_FIELDS) if h]
    if profile.mail is not None and profile.mail.host:
        hosts.append(profile.mail.host.strip().lower())
    if not hosts and ms.is_microsoft(profile):
        family = ms.profile_family(profile) or "worldwide"
        hosts.append(ms.LOGIN_HOST[family])
        if is_mail(profile):
            hosts.append(ms.MAIL_HOST[family])
    return list(dict.fromkeys(hosts))


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    view = configured_proxy(profile)
    if view is None:
        return []
    hosts = server_hosts(profile)
    if not hosts:
        raise MissingFacts(["token_endpoint", "mail.host"])
    uncovered = [h for h in hosts if not covered(h, view.non_proxy)]
    if not uncovered:
        return []
    patterns = list(dict.fromkeys([*view.non_proxy, *(wildcard_for(h) for h in uncovered)]))
    value = "|".join(patterns)
    msg = f"The JVM uses the proxy {view.host} for {', '.join(uncovered)}; no non-proxy host pattern covers them."
    flags = f"-Dhttp.nonProxyHosts={value} -Dhttps.nonProxyHosts={value}"
    return [RULE.finding(msg, {"runtime.jvm_args[+]": flags}, "runtime.jvm_args")]


POSITIVE: list[dict[str, Any]] = [
    {"provider": "microsoft", "integration": "mail-handler", "mail": {"host": "outlook.office365.com"},
     "runtime": {"jvm_args": "-Dhttps.proxyHost=proxy.example.com -Dhttps.proxyPort=3128"}},
    {"token_endpoint": "https://oauth2.googleapis.com/token",
     "runtime": {"proxy": {"host": "proxy.example.com", "non_proxy_hosts": ["*.example.com"]}}},
]
NEGATIVE: list[dict[str, Any]] = [
    {"provider": "microsoft", "integration": "mail-handler", "mail": {"host": "outlook.office365.com"},
     "runtime": {"jvm_args": ["-Dhttps.proxyHost=proxy.example.com",
                              "-Dhttps.nonProxyHosts=*.office365.com|*.microsoftonline.com"]}},
    {"token_endpoint": "https://oauth2.googleapis.com/token", "runtime": {"jvm_args": "-Xmx4g"}},
]
