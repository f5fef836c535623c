"""Which cluster node answered each request, and which cookies the browser stopped sending.

Seed 003's root cause 13: in a Data Center cluster the user who authorizes a mail
handler must stay on one node; when the load balancer sends the OAuth callback to
another node, the token is stored where nobody looks. A HAR shows it through route
cookies (a Tomcat ``JSESSIONID`` suffix ``.node1``, ``ROUTEID``, HAProxy ``SERVERID``,
``BIGipServer*`` pool members, Azure ``ARRAffinity``) and node headers (``X-ANODEID``).
The same capture shows cookies that were set and then not sent again — SameSite rules on
the cross-site callback, third-party blocking — which loses state just as surely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from authdoctor.evidence._har_read import SetCookie, Step

Cause = tuple[str, float, str]

AFFINITY_COOKIES = ("AWSALB", "AWSALBCORS", "AWSALBTG", "AWSALBTGCORS")
_HASHED = ("ARRAffinity", "ARRAffinitySameSite", "ApplicationGatewayAffinity", "ApplicationGatewayAffinityCORS",
           "INGRESSCOOKIE")


def decode_bigip(value: str) -> str | None:
    """``1677787402.20480.0000`` → ``10.1.1.100:80`` (F5 encodes the pool member's address)."""
    m = re.fullmatch(r"(\d{1,10})\.(\d{1,5})\.0000", value)
    if not m:
        return None
    ip, port = int(m.group(1)), int(m.group(2))
    if ip > 0xFFFFFFFF or port > 0xFFFF:
        return None
    octets = ".".join(str((ip >> (8 * i)) & 0xFF) for i in range(4))
    return f"{octets}:{((port & 0xFF) << 8) | (port >> 8)}"


def route_of(name: str, value: str) -> str | None:
    """The node a route cookie names, as a readable label; ``None`` if it names none."""
    v = value.strip().strip('"')
    if not v:
        return None
    if name == "JSESSIONID":
        if "." not in v:
            return None
        suffix = v.rsplit(".", 1)[1]
        return suffix if re.fullmatch(r"[A-Za-z0-9_-]{1,40}", suffix) else None
    if name == "ROUTEID":
        route = v.rsplit(".", 1)[-1]
        return route[:40] or None
    if name in ("SERVERID", "route"):
        return v.split("~", 1)[0].split("|", 1)[0][:40] or None
    if name.startswith("BIGipServer"):
        return decode_bigip(v) or f"member {v[:24]}"
    return None


@dataclass
class NodeView:
    """Node per step (who answered), and the evidence of a hop."""

    served: dict[int, str] = field(default_factory=dict)  # step index -> node label
    asked: dict[int, str] = field(default_factory=dict)  # step index -> node the request's cookie pointed to
    hosts: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    causes: list[Cause] = field(default_factory=list)
    nodes: set[str] = field(default_factory=set)


def _hashed_labels(steps: list[Step]) -> dict[tuple[str, str], str]:
    """Opaque affinity hashes become 'instance #1', '#2' (their values are never shown)."""
    labels: dict[tuple[str, str], str] = {}
    for s in steps:
        for c in s.set_cookies:
            if c.name in _HASHED and c.value and (c.name, c.value) not in labels:
                labels[(c.name, c.value)] = f"instance #{sum(1 for k in labels if k[0] == c.name) + 1}"
    return labels


def nodes(steps: list[Step], app_hosts: set[str], flow_steps: set[int]) -> NodeView:
    """Who answered each request on the application hosts, and whether that changed."""
    view = NodeView()
    hashed = _hashed_labels(steps)
    for s in steps:
        if s.url.host not in app_hosts:
            continue
        served = s.node_header
        if served is None:
            for c in s.set_cookies:
                label = route_of(c.name, c.value) or hashed.get((c.name, c.value))
                if label and not c.deleted:
                    served = label
                    break
        for name, value in s.req_cookies.items():
            label = route_of(name, value) or hashed.get((name, value))
            if label:
                view.asked[s.index] = label
                break
        if served:
            view.served[s.index] = served
            view.hosts.setdefault(s.url.host, []).append((s.index, served))
    by_index = {s.index: s for s in steps}
    for host, seen in view.hosts.items():
        labels = list(dict.fromkeys(label for _, label in seen))
        if len(labels) < 2:
            continue
        view.nodes.update(labels)
        groups = []
        for label in labels[:6]:
            idx = [i for i, lab in seen if lab == label]
            where = ", ".join(f"#{i} {by_index[i].method} {by_index[i].url.path[:60]}" for i in idx[:3])
            more = f" and {len(idx) - 3} more" if len(idx) > 3 else ""
            groups.append(f"{label}: {where}{more}")
        first_hop = next((i for (i, lab), (_, prev) in zip(seen[1:], seen, strict=False) if lab != prev), None)
        mism = [i for i, lab in seen if view.asked.get(i) and view.asked[i] != lab]
        why = f"requests to {host} were answered by {len(labels)} cluster nodes — " + "; ".join(groups)
        if mism:
            i = mism[0]
            why += (f". Request #{i} ({by_index[i].method} {by_index[i].url.path[:60]}) carried the session of "
                    f"{view.asked[i]} but was answered by {view.served[i]}: the load balancer does not keep the "
                    "session on its node")
        elif first_hop is not None:
            why += f". The switch happened at request #{first_hop} ({by_index[first_hop].url.path[:60]})"
        view.problems.append(why)
        in_flow = first_hop in flow_steps or any(i in flow_steps for i in mism)
        strength = 0.85 if (mism or in_flow) else 0.6
        view.causes.append(("session_affinity_broken", strength, f"The HAR capture shows: {why}"))
    return view


# --- cookies that went missing ------------------------------------------------------------------


def _domain_match(host: str, c: SetCookie, setter: str) -> bool:
    if c.domain:
        return host == c.domain or host.endswith("." + c.domain)
    return host == setter


def _site(host: str) -> str:
    parts = host.split(".")
    return ".".join(parts[-2:]) if len(parts) >= 2 else host


@dataclass
class Missing:
    step: Step
    cookie: SetCookie
    set_at: int
    reason: str


def missing_cookies(steps: list[Step], callbacks: set[int], limit: int = 10) -> list[Missing]:
    """Cookies set by a response and absent from a later request they apply to."""
    jar: dict[tuple[str, str], tuple[SetCookie, str, int]] = {}
    out: list[Missing] = []
    reported: set[tuple[str, str]] = set()
    recorded_hosts = {s.url.host for s in steps if s.cookies_recorded}
    prev_host: str | None = None
    for s in steps:
        if not s.static and s.url.host in recorded_hosts and s.cookies_recorded:
            for key, (c, setter, at) in list(jar.items()):
                if key in reported or not _domain_match(s.url.host, c, setter):
                    continue
                if not s.url.path.startswith(c.path.rstrip("/") or "/"):
                    continue
                if c.secure and s.url.scheme != "https":
                    continue
                if c.expires_at is not None and s.started is not None and c.expires_at <= s.started:
                    continue
                if c.name in s.req_cookies:
                    continue
                cross = s.sec_fetch_site == "cross-site" or (
                    s.sec_fetch_site is None and prev_host is not None and _site(prev_host) != _site(s.url.host))
                out.append(Missing(s, c, at, _reason(c, s, cross, s.index in callbacks)))
                reported.add(key)
                if len(out) >= limit:
                    return out
        for c in s.set_cookies:
            key = (c.domain or s.url.host, c.name)
            if c.deleted:
                jar.pop(key, None)
                reported.discard(key)
            else:
                jar[key] = (c, s.url.host, s.index)
        if not s.static:
            prev_host = s.url.host
    return out


def _reason(c: SetCookie, s: Step, cross: bool, callback: bool) -> str:
    samesite = (c.samesite or "").lower()
    where = "the callback" if callback else f"request #{s.index}"
    if samesite == "none" and not c.secure:
        return ("it was set with SameSite=None but without Secure, which browsers reject: the cookie was never "
                "stored")
    if cross and s.method == "POST" and samesite in ("", "lax"):
        unset = "no SameSite attribute (browsers treat that as Lax)" if not samesite else "SameSite=Lax"
        return (f"it has {unset}, and {where} is a cross-site POST (response_mode=form_post from the identity "
                "provider): Lax cookies are not sent on cross-site POSTs — set SameSite=None; Secure on it, or "
                "use response_mode=query")
    if cross and samesite == "strict":
        return f"it has SameSite=Strict and {where} arrives from another site: Strict cookies are not sent then"
    return (f"it was set and had not expired, yet {where} did not carry it: the browser blocks it (third-party "
            "cookie blocking, privacy settings, an embedded frame) or refused it when it was set (domain, path, size)")
