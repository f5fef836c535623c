"""Support bundles: which members are product logs, in what order, and what the
configuration files in them say about the case.

An Atlassian support zip holds ``application-logs/`` (atlassian-jira.log and its rotations
``.log.1`` … ``.log.N``, the incoming-mail log), ``tomcat-logs/`` (catalina.out) and
configuration: ``application-properties/application.xml`` (product, version, JVM, arguments),
``cluster.properties`` (node id), ``confluence.cfg.xml``. Logs are read oldest first so
"first seen" and the evidence samples follow time; configuration is never scanned as a
log (it would only add noise), it is read for facts: product, version, edition, node id,
Java version, proxy and mail settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from authdoctor.extract.facts import Facts, java_version_normal

MAX_CONFIG_BYTES = 2 << 20  # configuration files are small; a larger one is not read for facts

_MARKERS = ("application-logs/", "application-properties/", "tomcat-logs/")
# A folder of logs: a whole path segment named log or logs, or ending in -log / -logs
# (application-logs, tomcat-logs); never a substring (catalog/, changelog/, blog/).
_LOG_DIR = re.compile(r"(?:.*-)?logs?", re.I)
_LOG_NAME = re.compile(r"\.log(?:\.\d{1,4})?(?:\.(?:gz|bz2|xz|zst))?$|^catalina\.out", re.I)
_CONFIG_NAME = re.compile(
    r"(?:^|/)(?:application\.xml|cluster\.properties|confluence\.cfg\.xml|jira-config\.properties"
    r"|server\.xml|setenv\.sh|bitbucket\.properties|system-info\.(?:xml|txt|properties))$",
    re.I,
)
_ROTATION = re.compile(r"^(?P<base>.+?)\.(?P<n>\d{1,4})(?P<z>\.(?:gz|bz2|xz|zst))?$")


def log_order_key(name: str) -> tuple[str, str, int, str]:
    """Sort key that puts rotated logs oldest first: ``x.log.3``, ``x.log.2``, ``x.log.1``, ``x.log``."""
    folder, _, base = name.replace("\\", "/").rpartition("/")
    m = _ROTATION.match(base)
    if m and not m.group("base").endswith((".tar",)):
        return (folder, m.group("base"), -int(m.group("n")), base)
    stripped = re.sub(r"\.(?:gz|bz2|xz|zst)$", "", base)
    return (folder, stripped, 0, base)


def is_support_bundle(names: list[str]) -> bool:
    """A support zip names its folders the same way on every product."""
    return any(marker in n.replace("\\", "/") for n in names for marker in _MARKERS)


def role(name: str) -> str:
    """'log' (scan it), 'config' (read it for facts) or 'other' (skip it) inside a bundle."""
    path = name.replace("\\", "/")
    if _CONFIG_NAME.search(path):
        return "config"
    folders, _, base = path.rpartition("/")
    if any(_LOG_DIR.fullmatch(seg) for seg in folders.split("/")) or _LOG_NAME.search(base):
        return "log"
    return "other"


@dataclass
class BundleFacts:
    """What a bundle's configuration reveals; ``node`` labels every document of the bundle."""

    facts: Facts = field(default_factory=Facts)
    node: str | None = None
    read: list[str] = field(default_factory=list)


def _key(raw: str) -> str:
    return re.sub(r"[^a-z0-9]", "", raw.lower())


_VERSION_KEYS = {"version", "productversion", "applicationversion", "appversion", "jiraversion",
                 "confluenceversion", "bitbucketversion", "serverversion", "buildversion"}
_JAVA_KEYS = {"javaversion", "javaruntimeversion", "jvmversion", "javavmversion", "jreversion"}
_JVM_ARG_KEYS = {"jvminputarguments", "jvmarguments", "jvmargs", "javaopts", "jvmsupportrecommendedargs",
                 "inputarguments", "catalinaopts"}
_NODE_KEYS = {"jiranodeid", "nodeid", "clusternodeid", "confluenceclusternodename", "clusternodename", "nodename"}
_PRODUCT_KEYS = {"productname", "applicationname", "appname", "product", "application", "servername"}
_EDITION_KEYS = {"edition", "licensetype", "licenseedition", "licensedescription", "deploymenttype"}
_CLUSTER_FLAG_KEYS = {"confluencecluster", "clustered", "clusterenabled"}
_PRODUCTS = (("service management", "jsm"), ("service desk", "jsm"), ("confluence", "confluence"),
             ("bitbucket", "bitbucket"), ("bamboo", "bamboo"), ("jira", "jira"))
_PROXY_ARG = re.compile(r"-Dhttps?\.proxyHost=(\S+)")


def _pairs_from_xml(data: bytes) -> list[tuple[str, str]]:
    """(path, value) for every leaf element, attribute and ``<property name=…>`` of an XML file;
    the path keeps the parents so a ``<java><version>`` is not read as the product version."""
    root = ElementTree.fromstring(data, forbid_dtd=True)
    out: list[tuple[str, str]] = []

    def walk(el: Element, parent: str) -> None:
        children = list(el)
        text = (el.text or "").strip()
        path = f"{parent}/{el.tag}"
        name = el.attrib.get("name") or el.attrib.get("key")
        if name and (text or el.attrib.get("value")):
            out.append((f"{parent}/{name}", text or el.attrib["value"]))
        elif not children and text:
            out.append((path, text))
        for attr, value in el.attrib.items():
            if attr not in ("name", "key"):
                out.append((path if attr == "value" else f"{path}/{attr}", value))
        for child in children:
            walk(child, path)

    walk(root, "")
    return out


def _pairs_from_properties(text: str) -> list[tuple[str, str]]:
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", "!")):
            continue
        m = re.match(r"(?:export\s+)?([A-Za-z0-9_.\-]+)\s*[=:]\s*(.*)$", line)
        if m:
            out.append((m.group(1), m.group(2).strip().strip("\"'")))
    return out


def read_config(name: str, data: bytes, into: BundleFacts) -> None:
    """Add the facts one configuration file shows; unreadable files are skipped quietly
    (a bundle is evidence, not input the user wrote)."""
    if len(data) > MAX_CONFIG_BYTES:
        return
    text = data.decode("utf-8", "replace")
    try:
        pairs = _pairs_from_xml(data) if text.lstrip().startswith("<") else _pairs_from_properties(text)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return
    where = f"support bundle {name}"
    facts = into.facts
    into.read.append(name)
    for path, full in pairs:
        raw_key = path.rpartition("/")[2]
        key, low, value = _key(raw_key), full.lower()[:2000], full[:500]
        if key in _NODE_KEYS and value and into.node is None:
            into.node = value[:80]
            facts.set("clustered", True, where, override=False)
        elif key in _VERSION_KEYS and re.fullmatch(r"\d+\.\d+(?:\.\d+)*", value) and "java" not in path.lower():
            facts.set("product_version", value, where, override=False)
        elif key in _JAVA_KEYS:
            m = re.match(r"(1\.8\.0_\d+|\d{1,2}(?:\.\d+){0,2})", value)
            if m:
                facts.set("java_version", java_version_normal(m.group(1)), where, override=False)
        elif key in _PRODUCT_KEYS:
            for needle, product in _PRODUCTS:
                if needle in low:
                    facts.set("product", product, where, override=False)
                    break
        elif key in _EDITION_KEYS and ("data center" in low or "datacenter" in low):
            facts.set("edition", "data-center", where, override=False)
        elif key in _CLUSTER_FLAG_KEYS and low == "true":
            facts.set("clustered", True, where, override=False)
        if key in _JVM_ARG_KEYS or "-D" in value:
            if _PROXY_ARG.search(value):
                facts.set("proxy", True, where, override=False)
            m = re.search(r"-Djava\.version=(\S+)", value)
            if m:
                facts.set("java_version", java_version_normal(m.group(1)), where, override=False)
        if key in ("httpproxyhost", "httpsproxyhost", "proxyhost") and value:
            facts.set("proxy", True, where, override=False)
        _mail_facts(path.lower(), low, facts, where)


def _mail_facts(key: str, value: str, facts: Facts, where: str) -> None:
    """Mail server settings: which protocol, and whether the host is a sovereign cloud."""
    if "office365.us" in value or "microsoftonline.us" in value:
        facts.set("cloud", "gcc-high", where, override=False)
        facts.set("provider", "microsoft", where, override=False)
    elif "partner.outlook.cn" in value or "microsoftonline.cn" in value:
        facts.set("cloud", "china", where, override=False)
        facts.set("provider", "microsoft", where, override=False)
    elif "outlook.office365.com" in value:
        facts.set("provider", "microsoft", where, override=False)
    elif "imap.gmail.com" in value or "pop.gmail.com" in value:
        facts.set("provider", "google", where, override=False)
    if "mail" in key and ("protocol" in key or "type" in key):
        for proto in ("imap", "pop", "smtp"):
            if value.startswith(proto):
                facts.set("protocol", proto, where, override=False)
                break
