"""Facts about the case that move the odds between root causes.

Facts come from three places, strongest last: what the evidence itself shows (version
banners, hostnames of a sovereign cloud, JVM proxy arguments), the free-text ``--hint`` a
person adds, and structured flags or a profile. Each fact remembers where it came from so
the report can say why a cause moved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FactValue = str | bool | int


@dataclass
class Facts:
    values: dict[str, FactValue] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def set(self, name: str, value: FactValue, source: str, override: bool = True) -> None:
        if override or name not in self.values:
            self.values[name] = value
            self.sources[name] = source

    def merge(self, other: Facts, override: bool = True) -> None:
        for k, v in other.values.items():
            self.set(k, v, other.sources.get(k, "?"), override)

    def get(self, name: str) -> FactValue | None:
        return self.values.get(name)


_PRODUCTS = [
    (r"\b(?:jira service management|jira service desk|jsm|service ?desk)\b", "jsm"),
    (r"\bconfluence\b", "confluence"),
    (r"\bbitbucket\b", "bitbucket"),
    (r"\bbamboo\b", "bamboo"),
    (r"\bposit connect\b|\brstudio connect\b|\bconnect server\b", "posit-connect"),
    (r"\bjira\b", "jira"),
]
_PROVIDERS = [
    (r"\b(?:azure|entra|aad|office ?365|o365|microsoft|outlook|exchange online|m365)\b", "microsoft"),
    (r"\b(?:google|gmail|g ?suite|workspace)\b", "google"),
    (r"\bokta\b", "okta"),
    (r"\bkeycloak\b|\bred hat sso\b|\brh-sso\b", "keycloak"),
    (r"\bgithub\b", "github"),
    (r"\bsnowflake\b", "snowflake"),
    (r"\bauth0\b", "auth0"),
    (r"\bsalesforce\b", "salesforce"),
    (r"\bping(?:federate|one| identity)?\b", "ping"),
    (r"\badfs\b", "adfs"),
]
_CLOUDS = [
    (r"\bgcc[- ]?high\b|\boffice365\.us\b|\bmicrosoftonline\.us\b|\bus gov(?:ernment)?\b", "gcc-high"),
    (r"\bdod\b", "dod"),
    (r"\b21vianet\b|\bchinacloudapi\b|\bpartner\.outlook\.cn\b|\bmicrosoftonline\.cn\b", "china"),
    (r"\bgcc\b", "gcc"),
]
_VERSION = re.compile(
    r"\b(jira(?: software| core)?|jsm|jira service management|service ?desk|confluence|connect)"
    r"(?: (?:server|data center|dc))?\s*v?(\d+\.\d+(?:\.\d+)?)\b",
    re.I,
)
_NODES = re.compile(r"\b(\d{1,3})[- ]nodes?\b", re.I)
_JAVA = re.compile(r"\b(?:java|jdk|jre|openjdk)\s*(?:version\s*)?\"?(1\.8\.0_\d+|8u\d+|\d{1,2}(?:\.\d+){0,2})\b", re.I)


def java_version_normal(text: str) -> str:
    """``1.8.0_292`` and ``8u292`` become ``8.0.292``; ``11.0.2`` stays."""
    m = re.fullmatch(r"1\.(\d+)\.0_(\d+)", text)
    if m:
        return f"{m.group(1)}.0.{m.group(2)}"
    m = re.fullmatch(r"(\d+)u(\d+)", text)
    if m:
        return f"{m.group(1)}.0.{m.group(2)}"
    return text


def facts_from_hint(hint: str) -> Facts:
    """Recognise product, version, provider, cloud, cluster and protocol in free text."""
    f = Facts()
    src = "--hint"
    low = hint.lower()
    for rx, name in _PRODUCTS:
        if re.search(rx, low):
            f.set("product", name, src)
            break
    m = _VERSION.search(hint)
    if m:
        f.set("product_version", m.group(2), src)
        kind = m.group(1).lower()
        if kind in ("jsm", "jira service management") or "desk" in kind:
            f.set("product", "jsm", src)
    for rx, name in _PROVIDERS:
        if re.search(rx, low):
            f.set("provider", name, src)
            break
    for rx, name in _CLOUDS:
        if re.search(rx, low):
            f.set("cloud", name, src)
            break
    if f.get("cloud") and not f.get("provider"):
        f.set("provider", "microsoft", src)
    if "cloud" not in f.values and f.get("provider") == "microsoft" and re.search(r"\bworldwide\b|\bcommercial\b", low):
        f.set("cloud", "worldwide", src)
    nodes = _NODES.search(low)
    if nodes:
        n = int(nodes.group(1))
        f.set("nodes", n, src)
        f.set("clustered", n > 1, src)
    elif re.search(r"\bcluster(?:ed)?\b|\bload ?balancer\b|\bnodes\b", low):
        f.set("clustered", True, src)
    if re.search(r"\bdata ?center\b|\b dc\b", f" {low}"):
        f.set("edition", "data-center", src)
    elif re.search(r"\bserver\b", low) and f.get("product"):
        f.set("edition", "server", src)
    if re.search(r"\bnot? sticky\b|\bwithout sticky\b|\bno session affinity\b", low):
        f.set("sticky_sessions", False, src)
    elif re.search(r"\bsticky\b", low):
        f.set("sticky_sessions", True, src)
    for proto in ("imap", "pop", "smtp"):
        if re.search(rf"\b{proto}s?3?\b", low):
            f.set("protocol", proto, src)
            break
    if re.search(r"\bproxy\b", low):
        f.set("proxy", not re.search(r"\bno proxy\b|\bwithout (?:a )?proxy\b", low), src)
    if re.search(r"\bshared mailbox\b|\bdelegat", low):
        f.set("mailbox_shared", True, src)
    if re.search(r"\bsingle[- ]tenant\b", low):
        f.set("app_account_type", "single-tenant", src)
    elif re.search(r"\bmulti[- ]tenant\b", low):
        f.set("app_account_type", "multi-tenant", src)
    jm = _JAVA.search(hint)
    if jm:
        f.set("java_version", java_version_normal(jm.group(1)), src)
    if re.search(r"\bmail handler\b|\bincoming mail\b|\bmail server\b", low):
        f.set("integration", "mail-handler", src)
    elif re.search(r"\bsso\b|\bsingle sign[- ]on\b", low):
        f.set("integration", "sso", src)
    return f


@dataclass(frozen=True)
class FactRule:
    """A fact the evidence can reveal: ``anchor`` is searched in raw bytes by the scanner,
    ``pattern`` (RE2, one group ``v``) confirms on the line, ``value`` maps it to the fact."""

    name: str
    anchor: str
    pattern: str
    value: str | None = None  # fixed value; None = the captured text
    java: bool = False


FACT_RULES: tuple[FactRule, ...] = (
    FactRule("cloud", "office365.us", r"(?P<v>outlook\.office365\.us)", "gcc-high"),
    FactRule("cloud", "microsoftonline.us", r"(?P<v>login\.microsoftonline\.us)", "gcc-high"),
    FactRule("proxy", "proxyHost", r"-Dhttps?\.proxyHost=(?P<v>[^\s\"']{1,200})", "true"),
    FactRule("java_version", "java.version", r"java\.version\s*[=:]\s*(?P<v>[0-9._u]{1,20})", None, java=True),
    FactRule(
        "java_version",
        "java.runtime.version",
        r"java\.runtime\.version\s*[=:]\s*(?P<v>[0-9._u]{1,20})",
        None,
        java=True,
    ),
    FactRule("product_version", "Jira Version", r"Jira Version\s*[=:]\s*(?P<v>\d+\.\d+\.\d+)"),
    FactRule("product_version", "jira.version", r"jira\.version\s*[=:]\s*(?P<v>\d+\.\d+\.\d+)"),
    FactRule("clustered", "Clustered", r"Clustered\s*[=:]\s*(?P<v>true)", "true"),
    FactRule("clustered", "cluster.node.id", r"cluster\.node\.id\s*[=:]\s*(?P<v>\S{1,80})", "true"),
)
