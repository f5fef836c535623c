"""A cluster without sticky sessions (seed 003 root cause 13)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require
from authdoctor.profile.schema import Profile

RULE = Rule(
    id="cluster_sticky_sessions",
    title="Several nodes serve the flow without sticky sessions",
    severity="error",
    causes=("session_affinity_broken",),
    docs="""\
## What it checks
Flags a cluster of more than one node whose load balancer does not keep a user's session
on one node (`cluster.sticky_sessions: false`).

## Why it matters
The OAuth flow keeps its state (and the token being saved) on the node that started it.
When the callback lands on another node the state is unknown there: errors such as "Token
already marked as invalid" or "OAuth token not found with ID" follow, and mail handlers
cannot be authorized.

## How to fix
Turn on session affinity in the load balancer (cookie-based, on the application's session
cookie), and make sure internal REST calls are not routed to a different node than the
user's.
""",
)


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    require(profile, "cluster.nodes")
    assert profile.cluster is not None and profile.cluster.nodes is not None
    if profile.cluster.nodes < 2:
        return []
    require(profile, "cluster.sticky_sessions")
    if profile.cluster.sticky_sessions:
        return []
    lb = f" ({profile.cluster.load_balancer})" if profile.cluster.load_balancer else ""
    msg = f"{profile.cluster.nodes} nodes sit behind a load balancer{lb} without sticky sessions."
    return [RULE.finding(msg, {"cluster.sticky_sessions": "true"}, "cluster.sticky_sessions")]


POSITIVE: list[dict[str, Any]] = [{"cluster": {"nodes": 3, "load_balancer": "nginx", "sticky_sessions": False}}]
NEGATIVE: list[dict[str, Any]] = [
    {"cluster": {"nodes": 3, "sticky_sessions": True}},
    {"cluster": {"nodes": 1, "sticky_sessions": False}},
]
