"""Login, Graph or mail hosts of another Microsoft cloud (seed 003 root cause 9, seed 001)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile import microsoft as ms
from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, MissingFacts, Rule, get, require
from authdoctor.profile.schema import Profile

RULE = Rule(
    id="endpoint_cloud_mismatch",
    title="Endpoints or the mail host belong to a different Microsoft cloud",
    severity="error",
    causes=("national_cloud_mismatch",),
    docs="""\
## What it checks
Sorts the hosts of the endpoints, issuer, discovery URL and mail server into Microsoft cloud
families (worldwide/GCC, GCC High/DoD, China) and compares them with the tenant's `cloud`,
or with each other when the cloud is not given.

## Why it matters
Each cloud has its own sign-in and mail hosts. A GCC High mailbox reached through
`outlook.office365.com`, or a worldwide login for a US Government tenant, fails with errors
such as AADSTS900432 ("not supported in Cross Cloud request") or `AUTHENTICATE failed`.

## How to fix
Use the hosts of the tenant's cloud: for GCC High and DoD `login.microsoftonline.us` and
`outlook.office365.us`; for worldwide and GCC `login.microsoftonline.com` and
`outlook.office365.com`. The computed values keep the paths and swap the hosts.
""",
)


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    if not ms.is_microsoft(profile):
        require(profile, "provider")
        return []
    hosts = ms.hosts_in_use(profile)
    fams = {f: ms.family_of(h) for f, h in hosts.items()}
    known = {f: fam for f, fam in fams.items() if fam is not None}
    if not known:
        return []
    if profile.cloud is None:
        if len(set(known.values())) < 2:
            raise MissingFacts(["cloud"])
        listing = ", ".join(f"{f} ({hosts[f]}, {fam})" for f, fam in known.items())
        msg = f"The hosts belong to different Microsoft clouds: {listing}. Set cloud to get the corrected hosts."
        return [RULE.finding(msg, {}, next(iter(known)))]
    family = ms.FAMILY[profile.cloud]
    fix: dict[str, str] = {}
    for f, fam in known.items():
        if fam == family:
            continue
        new = ms.replacement_host(hosts[f], family)
        if new is None:
            continue
        fix[f] = new if f == "mail.host" else ms.swap_host(str(get(profile, f)), new)
    if not fix:
        return []
    wrong = ", ".join(f"{f} ({hosts[f]})" for f in fix)
    verb = "belongs" if len(fix) == 1 else "belong"
    msg = f"The tenant is in the {profile.cloud} cloud but {wrong} {verb} to another cloud."
    return [RULE.finding(msg, fix, next(iter(fix)))]


POSITIVE: list[dict[str, Any]] = [
    {"provider": "microsoft", "cloud": "gcc-high", "integration": "mail-handler",
     "mail": {"protocol": "imap", "host": "outlook.office365.com"}},
    {"provider": "microsoft", "cloud": "worldwide",
     "token_endpoint": "https://login.microsoftonline.us/contoso.onmicrosoft.us/oauth2/v2.0/token"},
    {"provider": "microsoft", "token_endpoint": "https://login.microsoftonline.us/x/oauth2/v2.0/token",
     "mail": {"host": "outlook.office365.com"}},
]
NEGATIVE: list[dict[str, Any]] = [
    {"provider": "microsoft", "cloud": "dod", "mail": {"host": "outlook.office365.us"},
     "token_endpoint": "https://login.microsoftonline.us/x/oauth2/v2.0/token"},
    {"provider": "microsoft", "cloud": "gcc", "mail": {"host": "outlook.office365.com"},
     "token_endpoint": "https://login.microsoftonline.com/x/oauth2/v2.0/token"},
]
