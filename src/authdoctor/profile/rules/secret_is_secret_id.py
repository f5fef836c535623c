"""The client secret is a GUID-shaped secret ID, not the secret value (seed 001 root cause 2, seed 002)."""

from __future__ import annotations

import re
from typing import Any

from authdoctor.profile import microsoft as ms
from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, MissingFacts, Rule
from authdoctor.profile.schema import Profile

RULE = Rule(
    id="secret_is_secret_id",
    title="The client secret looks like a secret ID or another identifier",
    severity="error",
    causes=("client_secret_invalid",),
    docs="""\
## What it checks
For Microsoft, flags a client secret shaped like a GUID: the portal shows each secret with a
"Secret ID" (a GUID) next to its "Value", and the ID is easily copied instead. For every
provider, flags a secret equal to the client ID or the tenant ID. The secret itself is never
printed; `env:VARIABLE` is read at check time.

## Why it matters
The token endpoint rejects the ID as a wrong secret (AADSTS7000215, "Invalid client secret
provided"), so every authorization fails at the code exchange.

## How to fix
Create a new client secret, copy its Value (shown only once, right after creation) and put
that in the configuration.
""",
)

GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")
FIX = {"client_secret": "<the Value of a client secret, not its Secret ID>"}


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    secret = profile.secret_value()
    if secret is None:
        raise MissingFacts(["client_secret"])
    secret = secret.strip()
    for name in ("client_id", "tenant_id"):
        other = getattr(profile, name)
        if other and secret.lower() == other.strip().lower():
            return [RULE.finding(f"The client secret is the same string as the {name.replace('_', ' ')}.", FIX,
                                 "client_secret")]
    if ms.is_microsoft(profile) and GUID.match(secret):
        msg = ("The client secret has the shape of a GUID: this is the secret's ID, not its value "
               "(Microsoft secret values are about 40 characters, often containing ~).")
        return [RULE.finding(msg, FIX, "client_secret")]
    return []


POSITIVE: list[dict[str, Any]] = [
    {"provider": "microsoft", "client_secret": "3f2b8c1e-9d4a-4e6b-b7a1-0c5d2e8f9a31"},
    {"provider": "okta", "client_id": "0oa1b2c3d4e5f6g7h8i9", "client_secret": "0oa1b2c3d4e5f6g7h8i9"},
]
NEGATIVE: list[dict[str, Any]] = [
    {"provider": "microsoft", "client_secret": "Xy18Q~abcdefghijklmnopqrstuvwxyz0123456789"},
    {"provider": "keycloak", "client_secret": "3f2b8c1e-9d4a-4e6b-b7a1-0c5d2e8f9a31"},
]
