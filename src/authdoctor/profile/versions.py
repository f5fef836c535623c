"""Product versions and the questions several rules ask about the integration.

Versions are compared as integer tuples (``8.13.4`` -> (8, 13, 4)); the seed's version table
names plain releases only, so nothing finer is needed. JSM 4.x ships with Jira 8.x and JSM
5.x with Jira 9.x, which lets a Jira threshold be stated for JSM as well.
"""

from __future__ import annotations

import re

from authdoctor.profile.rule import CheckFinding, MissingFacts, Rule, require
from authdoctor.profile.schema import Mail, Profile

Version = tuple[int, int, int]
_NUM = re.compile(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?")


def parse(text: str | None) -> Version | None:
    if not text:
        return None
    m = _NUM.match(text.strip())
    if not m:
        return None
    return int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)


def show(v: Version) -> str:
    return ".".join(str(x) for x in v)


LABELS = {"jira": "Jira", "jsm": "JSM", "confluence": "Confluence", "posit-connect": "Posit Connect",
          "server": "Server", "data-center": "Data Center", "cloud": "Cloud"}


def label(name: str | None) -> str:
    return LABELS.get(name or "", name or "")


def atlassian_server(profile: Profile) -> bool:
    """Jira or JSM on Server/Data Center (the seed's table does not cover Cloud)."""
    return profile.product in ("jira", "jsm") and profile.edition != "cloud"


def is_mail(profile: Profile) -> bool:
    """A mail handler (or outgoing mail) authenticating with OAuth 2.0."""
    if profile.integration is not None:
        return profile.integration == "mail-handler"
    return profile.mail is not None and profile.mail.protocol is not None


def other_mailbox(mail: Mail) -> bool:
    """Whether the mailbox differs (case-insensitively) from the account that authorizes it."""
    return bool(mail.mailbox and mail.authorizing_user
                and mail.mailbox.strip().lower() != mail.authorizing_user.strip().lower())


def protocol(profile: Profile) -> str | None:
    return profile.mail.protocol if profile.mail is not None else None


def needs_refresh(profile: Profile) -> bool | None:
    """Whether the client must keep access without the user present (so needs refresh tokens).

    Atlassian's stored OAuth 2.0 integrations and mail handlers, and Posit Connect's OAuth
    integrations (seed 002), renew tokens in the background; a plain SSO login does not.
    """
    if profile.needs_refresh_token is not None:
        return profile.needs_refresh_token
    if profile.integration in ("mail-handler", "oauth2-integration", "application-link"):
        return True
    if profile.product == "posit-connect":
        return True
    if profile.integration == "sso":
        return False
    return None


def below_minimum(rule: Rule, profile: Profile, minimum: dict[str, Version], message: str) -> list[CheckFinding]:
    """The support-matrix check every ``support_`` rule shares: a finding (with the version
    to upgrade to as the fix) when the product's version is older than ``minimum``; none when
    it is new enough or cannot be parsed. ``message`` may use {product}, {version}, {need}."""
    require(profile, "product_version")
    if profile.product is None or profile.product not in minimum:
        return []
    version = parse(profile.product_version)
    floor = minimum[profile.product]
    if version is None or version >= floor:
        return []
    need = show(floor)
    text = message.format(product=label(profile.product), version=profile.product_version, need=need)
    return [rule.finding(text, {"product_version": f">= {need}"}, "product_version")]


def refresh_required(profile: Profile) -> bool:
    """``needs_refresh`` for rules that cannot decide without it: unknown raises MissingFacts."""
    need = needs_refresh(profile)
    if need is None:
        raise MissingFacts(["needs_refresh_token"])
    return need
