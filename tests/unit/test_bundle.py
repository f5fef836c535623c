"""Atlassian support zips: logs oldest first, configuration read for facts, node labels."""

from __future__ import annotations

import io
import string
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from authdoctor.pipeline import Options, diagnose_paths
from authdoctor.sources.bundle import BundleFacts, log_order_key, read_config, role
from authdoctor.sources.open import OpenContext

STAMP = "2026-03-0{day} 10:1{minute}:00,000+0000 "
AADSTS = "ERROR [c.a.j.p.oauth2] AADSTS50011: The redirect URI 'https://jira.example.com/plugins/servlet/oauth/callback' specified in the request does not match the redirect URIs configured for the application '00000000-aaaa-bbbb-cccc-000000000001'."
APPLICATION_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<application-information>
  <product-name>Jira Software</product-name>
  <product-version>9.4.2</product-version>
  <license-type>Jira Software (Data Center)</license-type>
  <java-runtime>
    <java-version>11.0.18</java-version>
    <jvm-input-arguments>-Xms2g -Xmx8g -Dhttps.proxyHost=proxy.corp.example -Dhttps.proxyPort=3128</jvm-input-arguments>
  </java-runtime>
  <mail-servers>
    <mail-server><protocol>imaps</protocol><host>outlook.office365.us</host></mail-server>
  </mail-servers>
</application-information>
"""


def _log(day: int, *lines: str) -> bytes:
    body = [STAMP.format(day=day, minute=i) + "INFO [c.a.jira] healthy line" for i in range(3)]
    body += [STAMP.format(day=day, minute=5) + line for line in lines]
    return ("\n".join(body) + "\n").encode()


def _bundle(node: str | None = "node-a") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("application-logs/atlassian-jira.log", _log(3, AADSTS + " newest"))
        z.writestr("application-logs/atlassian-jira.log.1", _log(2, AADSTS + " middle"))
        z.writestr("application-logs/atlassian-jira.log.2", _log(1, AADSTS + " oldest"))
        z.writestr("application-properties/application.xml", APPLICATION_XML)
        if node:
            z.writestr("application-config/cluster.properties", f"jira.node.id = {node}\njira.shared.home=/s\n")
        # not a log: an error quoted in a health-check report must not be counted as a failure
        z.writestr("healthchecks/healthcheck-results.txt", "last seen: AADSTS700016 application not found\n")
    return buf.getvalue()


def test_support_zip_logs_are_read_oldest_first_and_config_gives_facts(tmp_path: Path) -> None:
    path = tmp_path / "Jira_support_2026-03-03.zip"
    path.write_bytes(_bundle())
    ctx = OpenContext()
    report = diagnose_paths([str(path)], Options(), ctx)
    finding = report.findings[0]
    assert [f.entry for f in report.findings] == ["entra-aadsts50011"]  # the health-check file was skipped
    assert finding.count == 3
    assert [e.text.rsplit(" ", 1)[1] for e in finding.evidence] == ["oldest", "middle", "newest"]
    assert finding.evidence[0].source.endswith("atlassian-jira.log.2")
    assert finding.first_seen is not None and finding.first_seen.startswith("2026-03-01")
    assert finding.nodes == {"node-a": 3}
    facts = {k: v["value"] for k, v in report.facts.items()}
    assert facts["product"] == "jira"
    assert facts["product_version"] == "9.4.2"
    assert facts["java_version"] == "11.0.18"
    assert facts["proxy"] is True
    assert facts["edition"] == "data-center"
    assert facts["clustered"] is True
    assert facts["cloud"] == "gcc-high" and facts["protocol"] == "imap"
    assert "application.xml" in str(report.facts["product_version"]["source"])
    assert any("support bundle" in n and "node node-a" in n for n in report.notes)


def test_per_node_bundles_inside_one_zip_are_told_apart(tmp_path: Path) -> None:
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as z:
        z.writestr("node-a_support.zip", _bundle("node-a"))
        z.writestr("jira-node2_support.zip", _bundle(None))  # no cluster.properties: named after its zip
    path = tmp_path / "cluster.zip"
    path.write_bytes(outer.getvalue())
    report = diagnose_paths([str(path)], Options())
    assert report.findings[0].nodes == {"jira-node2_support": 3, "node-a": 3}
    assert report.findings[0].count == 6


def test_an_unpacked_bundle_folder_is_read_like_the_zip(tmp_path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(_bundle())) as z:
        z.extractall(tmp_path / "bundle")
    report = diagnose_paths([str(tmp_path / "bundle")], Options())
    assert report.findings[0].nodes == {"node-a": 3}
    assert [e.text.rsplit(" ", 1)[1] for e in report.findings[0].evidence] == ["oldest", "middle", "newest"]
    assert report.facts["product_version"]["value"] == "9.4.2"


def test_rotated_logs_sort_oldest_first() -> None:
    names = ["a/x.log", "a/x.log.1", "a/x.log.10", "a/x.log.2", "a/x.log.3.gz", "a/catalina.out", "b/y.log"]
    assert sorted(names, key=log_order_key) == [
        "a/catalina.out", "a/x.log.10", "a/x.log.3.gz", "a/x.log.2", "a/x.log.1", "a/x.log", "b/y.log"
    ]


def test_member_roles() -> None:
    assert role("application-logs/atlassian-jira-incoming-mail.log.3") == "log"
    assert role("tomcat-logs/catalina.out") == "log"
    assert role("application-properties/application.xml") == "config"
    assert role("application-config/cluster.properties") == "config"
    assert role("thread-dumps/jira_threads.2026-03-03.tdump") == "other"


def test_java_version_element_is_not_taken_for_the_product_version() -> None:
    found = BundleFacts()
    read_config("application.xml", b"<a><java><version>1.8.0_292</version></java><jira-version>8.20.1</jira-version></a>",
                found)
    assert found.facts.get("product_version") == "8.20.1"


def test_xml_entity_bombs_are_refused_not_expanded() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' \
           b"<x><product-version>&b;</product-version></x>"
    found = BundleFacts()
    read_config("application.xml", bomb, found)
    assert found.facts.values == {} and found.read == []


@pytest.mark.parametrize("name", ["x/catalog/readme.txt", "changelog/notes.md", "a/blog/x.html"])
def test_a_folder_merely_containing_log_in_its_name_is_not_a_log_folder(name: str) -> None:
    assert role(name) == "other"


@pytest.mark.parametrize(
    "name",
    ["application-logs/atlassian-jira.log", "tomcat-logs/catalina.out", "logs/gc.txt", "a/log/x.txt",
     "bundle/application-logs/jira-diagnostics.txt"],
)
def test_whole_log_folder_segments_still_make_logs(name: str) -> None:
    assert role(name) == "log"


_NODE_ID = st.text(alphabet=string.ascii_letters + string.digits + "-_.@ ", min_size=1, max_size=80).map(
    str.strip).filter(bool)


@given(
    key=st.sampled_from(["jira.node.id", "node.id", "cluster.node.id", "confluence.cluster.node.name"]),
    node=_NODE_ID,
    sep=st.sampled_from(["=", " = ", ":", " : "]),
    version=st.lists(st.integers(0, 999), min_size=2, max_size=4).map(lambda p: ".".join(map(str, p))),
)
@settings(max_examples=200, deadline=None)
def test_a_valid_properties_line_is_read_back_exactly(key: str, node: str, sep: str, version: str) -> None:
    found = BundleFacts()
    read_config("cluster.properties", f"# comment\n{key}{sep}{node}\nversion={version}\n".encode(), found)
    assert found.node == node
    assert found.facts.get("clustered") is True
    assert found.facts.get("product_version") == version
    assert found.read == ["cluster.properties"]


@given(st.binary(max_size=3000))
@settings(max_examples=200, deadline=None)
def test_config_reader_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    """Robustness only: whatever the bytes, reading them as configuration does not raise."""
    found = BundleFacts()
    read_config("application.xml", b"<" + data, found)
    read_config("cluster.properties", data, found)
