"""Basic proxy authentication for HTTPS tunnels is off by default since Java 8u111 (seed 001 root cause 3)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile.jvm import DISABLED_SCHEMES, configured_proxy, java_version, properties
from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, MissingFacts, Rule, require
from authdoctor.profile.schema import Profile

RULE = Rule(
    id="proxy_basic_auth_tunneling",
    title="The proxy needs Basic authentication, which this Java refuses for HTTPS tunnels",
    severity="error",
    causes=("proxy_auth_required",),
    docs="""\
## What it checks
When the outbound proxy uses Basic authentication (`runtime.proxy.auth: basic`, or a proxy
user with no scheme given) and Java is 8u111 or later, looks for
`-Djdk.http.auth.tunneling.disabledSchemes=` with a value that no longer lists Basic.

## Why it matters
From 8u111 the JDK no longer answers a proxy's Basic challenge when it opens an HTTPS
tunnel. Every call to the token endpoint fails with "Unable to tunnel through proxy. Proxy
returns HTTP/1.1 407 Proxy Authentication Required".

## How to fix
Add the computed flag (an empty value re-enables Basic) to the JVM arguments and restart.
""",
)


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    view = configured_proxy(profile)
    if view is None:
        return []
    if view.auth is None and not view.user:
        raise MissingFacts(["runtime.proxy.auth"])
    if view.auth not in (None, "basic"):
        return []
    require(profile, "runtime.java_version")
    assert profile.runtime is not None
    java = java_version(profile.runtime.java_version)
    if java is None or java < (8, 0, 111):
        return []
    props = properties(profile)
    if DISABLED_SCHEMES in props and "basic" not in props[DISABLED_SCHEMES].lower():
        return []
    why = "Basic authentication" if view.auth == "basic" else f"a user ({view.user}), so most likely Basic"
    msg = f"The proxy {view.host} needs {why}; Java {profile.runtime.java_version} disables it for HTTPS tunnels."
    return [RULE.finding(msg, {"runtime.jvm_args[+]": f"-D{DISABLED_SCHEMES}="}, "runtime.jvm_args")]


POSITIVE: list[dict[str, Any]] = [
    {"runtime": {"java_version": "1.8.0_121", "proxy": {"host": "proxy.example.com", "auth": "basic"}}},
    {"runtime": {"java_version": "11.0.20", "jvm_args": "-Dhttps.proxyHost=proxy -Dhttps.proxyUser=svc-jira"}},
]
NEGATIVE: list[dict[str, Any]] = [
    {"runtime": {"java_version": "1.8.0_121", "proxy": {"host": "proxy.example.com", "auth": "basic"},
                 "jvm_args": "-Djdk.http.auth.tunneling.disabledSchemes="}},
    {"runtime": {"java_version": "1.8.0_101", "proxy": {"host": "proxy.example.com", "auth": "basic"}}},
    {"runtime": {"java_version": "17", "proxy": {"host": "proxy.example.com", "auth": "ntlm"}}},
]
