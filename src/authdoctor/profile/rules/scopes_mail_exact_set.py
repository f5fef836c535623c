"""The exact mail scope sets that seed 003 gives for Microsoft and Gmail."""

from __future__ import annotations

from typing import Any

from authdoctor.profile import microsoft as ms
from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, Rule, require
from authdoctor.profile.schema import Profile
from authdoctor.profile.scopes import joined, scope_list
from authdoctor.profile.versions import is_mail, protocol

RULE = Rule(
    id="scopes_mail_exact_set",
    title="Mail handler scopes differ from the set the mail provider expects",
    severity="warning",
    causes=("scope_invalid",),
    docs="""\
## What it checks
For an incoming-mail handler (IMAP or POP) with OAuth 2.0, compares the scopes with the one
set that is known to work: for Microsoft worldwide/GCC
`https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/POP.AccessAsUser.All offline_access`,
for GCC High/DoD the same permissions on `outlook.office365.us`, for Gmail only
`https://mail.google.com/`. Outgoing SMTP and the China cloud are not checked (no set is
given for them).

## Why it matters
A missing IMAP/POP permission, an extra Graph scope or a scope of the wrong cloud makes the
mail server answer `AUTHENTICATE failed` although the authorization itself succeeded.

## How to fix
Replace the scopes with the computed list, save, and authorize the mail server again so a
token with the new scopes is issued.
""",
)


def _expected(profile: Profile) -> list[str] | None:
    if profile.provider == "google":
        return ms.GMAIL_SCOPES
    if not ms.is_microsoft(profile):
        require(profile, "provider")
        return None
    family = ms.profile_family(profile)
    if family is None:
        require(profile, "cloud")
    return ms.MAIL_SCOPES.get(family or "")


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    if profile.integration is None and profile.mail is None:
        require(profile, "integration")
    if not is_mail(profile) or protocol(profile) == "smtp":
        return []
    expected = _expected(profile)
    if expected is None:
        return []
    require(profile, "scopes")
    have = scope_list(profile)
    fold = profile.provider != "google"

    def norm(scope: str) -> str:
        return scope.lower() if fold else scope

    if sorted(map(norm, have)) == sorted(map(norm, expected)):
        return []
    missing = [s for s in expected if norm(s) not in {norm(h) for h in have}]
    extra = [s for s in have if norm(s) not in {norm(e) for e in expected}]
    parts = []
    if missing:
        parts.append(f"missing {', '.join(missing)}")
    if extra:
        parts.append(f"not expected {', '.join(extra)}")
    msg = f"The mail scopes should be exactly `{joined(expected)}` ({'; '.join(parts)})."
    return [RULE.finding(msg, {"scopes": joined(expected)}, "scopes")]


POSITIVE: list[dict[str, Any]] = [
    {"provider": "microsoft", "cloud": "worldwide", "integration": "mail-handler",
     "scopes": ["https://outlook.office.com/IMAP.AccessAsUser.All", "offline_access", "User.Read"]},
    {"provider": "google", "integration": "mail-handler", "mail": {"protocol": "imap"},
     "scopes": ["https://mail.google.com", "openid"]},
]
NEGATIVE: list[dict[str, Any]] = [
    {"provider": "microsoft", "cloud": "gcc-high", "integration": "mail-handler",
     "scopes": ["https://outlook.office365.us/IMAP.AccessAsUser.All",
                "https://outlook.office365.us/POP.AccessAsUser.All", "offline_access"]},
    {"provider": "google", "integration": "mail-handler", "scopes": "https://mail.google.com/"},
    {"provider": "microsoft", "cloud": "worldwide", "integration": "mail-handler", "mail": {"protocol": "smtp"},
     "scopes": "https://outlook.office.com/SMTP.Send offline_access"},
]
