"""The JVM as the profile describes it: system properties, the proxy, the Java version.

Administrators copy the ``JVM_SUPPORT_RECOMMENDED_ARGS`` line from ``setenv.sh``; the proxy
may be given there (``-Dhttps.proxyHost``) or in ``runtime.proxy``, so both are merged into
one view. Java reads ``http.nonProxyHosts`` for HTTPS too; Atlassian's articles name
``https.nonProxyHosts``; either counts as covering a host.
"""

from __future__ import annotations

import fnmatch
import re
import shlex
from dataclasses import dataclass, field

from authdoctor.profile.rule import MissingFacts
from authdoctor.profile.schema import Profile

DISABLED_SCHEMES = "jdk.http.auth.tunneling.disabledSchemes"
_JAVA = re.compile(r"^(?:1\.(\d+)\.(\d+)(?:_(\d+))?|(\d+)u(\d+)|(\d+)(?:\.(\d+))?(?:\.(\d+))?)")


def jvm_args(profile: Profile) -> list[str]:
    raw = profile.runtime.jvm_args if profile.runtime is not None else None
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw)
    out: list[str] = []
    for item in items:
        try:
            out += shlex.split(item)
        except ValueError:
            out += item.split()
    return out


def properties(profile: Profile) -> dict[str, str]:
    """``-Dname=value`` arguments (the last one wins, as in the JVM)."""
    props: dict[str, str] = {}
    for arg in jvm_args(profile):
        if arg.startswith("-D"):
            name, _, value = arg[2:].partition("=")
            props[name] = value
    return props


@dataclass
class ProxyView:
    host: str | None = None
    user: str | None = None
    auth: str | None = None
    non_proxy: list[str] = field(default_factory=list)

    @property
    def configured(self) -> bool:
        return bool(self.host)


def proxy(profile: Profile) -> ProxyView:
    props = properties(profile)
    p = profile.runtime.proxy if profile.runtime is not None else None
    view = ProxyView(
        host=(p.host if p else None) or props.get("https.proxyHost") or props.get("http.proxyHost"),
        user=(p.user if p else None) or props.get("https.proxyUser") or props.get("http.proxyUser"),
        auth=p.auth if p else None,
    )
    for name in ("http.nonProxyHosts", "https.nonProxyHosts"):
        if props.get(name):
            view.non_proxy += [h.strip() for h in props[name].strip("\"'").split("|") if h.strip()]
    if p is not None and p.non_proxy_hosts:
        view.non_proxy += p.non_proxy_hosts
    return view


def covered(hostname: str, patterns: list[str]) -> bool:
    """Java's nonProxyHosts matching: ``*`` wildcards at either end, case-insensitive."""
    h = hostname.lower()
    return any(fnmatch.fnmatchcase(h, pat.lower()) for pat in patterns)


def wildcard_for(hostname: str) -> str:
    """``outlook.office365.com`` -> ``*.office365.com`` (what the seed suggests adding)."""
    labels = hostname.lower().split(".")
    return "*." + ".".join(labels[-2:]) if len(labels) > 2 else hostname.lower()


def java_version(text: str | None) -> tuple[int, int, int] | None:
    """(feature, minor, update): ``1.8.0_292`` and ``8u292`` -> (8, 0, 292); ``11.0.20`` -> (11, 0, 20)."""
    if not text:
        return None
    m = _JAVA.match(text.strip())
    if not m:
        return None
    g = m.groups()
    if g[0] is not None:
        return int(g[0]), 0, int(g[2] or 0)
    if g[3] is not None:
        return int(g[3]), 0, int(g[4])
    return int(g[5]), int(g[6] or 0), int(g[7] or 0)


def configured_proxy(profile: Profile) -> ProxyView | None:
    """The proxy settings when a proxy is configured, None when the JVM arguments show none;
    without any runtime section the answer is unknown (MissingFacts)."""
    view = proxy(profile)
    if view.configured:
        return view
    if profile.runtime is None:
        raise MissingFacts(["runtime.jvm_args"])
    return None
