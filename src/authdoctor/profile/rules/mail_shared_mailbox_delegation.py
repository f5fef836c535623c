"""A shared or foreign mailbox authorized by another account (seed 003 root cause 3)."""

from __future__ import annotations

from typing import Any

from authdoctor.profile.rule import DEFAULT, CheckFinding, Context, MissingFacts, Rule, require
from authdoctor.profile.schema import Profile
from authdoctor.profile.versions import is_mail, other_mailbox

RULE = Rule(
    id="mail_shared_mailbox_delegation",
    title="The mailbox is authorized by an account that must hold Full Access",
    severity="info",
    causes=("mailbox_permission_missing",),
    docs="""\
## What it checks
Notes a shared mailbox, or a mailbox different from the account that signs in to authorize
it (`mail.mailbox` vs `mail.authorizing_user`).

## Why it matters
The token belongs to the account that signed in. It opens another mailbox only when that
account has Full Access (delegated) permission on it; otherwise authorization succeeds but
the connection test fails. The profile cannot show the permission, hence severity info.

## How to fix
Grant the authorizing account Full Access on the mailbox (Exchange admin centre, mailbox,
Mail delegation), or authorize with the mailbox's own account.
""",
)


def check(profile: Profile, ctx: Context = DEFAULT) -> list[CheckFinding]:
    if not is_mail(profile):
        require(profile, "integration")
        return []
    if profile.mail is None:
        raise MissingFacts(["mail.mailbox", "mail.authorizing_user"])
    m = profile.mail
    other = other_mailbox(m)
    if not (m.shared_mailbox or other):
        if m.shared_mailbox is None and not (m.mailbox and m.authorizing_user):
            raise MissingFacts(["mail.shared_mailbox"])
        return []
    who = m.authorizing_user or "The authorizing account"
    what = "the shared mailbox" if m.shared_mailbox else "the mailbox"
    msg = f"{who} must have Full Access on {what} {m.mailbox or ''}".rstrip() + "."
    return [RULE.finding(msg, {}, "mail.authorizing_user" if other else "mail.shared_mailbox")]


POSITIVE: list[dict[str, Any]] = [
    {"integration": "mail-handler", "mail": {"shared_mailbox": True, "mailbox": "support@example.com"}},
    {"integration": "mail-handler",
     "mail": {"mailbox": "support@example.com", "authorizing_user": "admin@example.com"}},
]
NEGATIVE: list[dict[str, Any]] = [
    {"integration": "mail-handler",
     "mail": {"mailbox": "support@example.com", "authorizing_user": "Support@example.com"}},
    {"integration": "mail-handler", "mail": {"shared_mailbox": False}},
]
