"""Profile -> :class:`~authdoctor.extract.facts.Facts`, so causes can be re-ranked by what is configured.

The names are those of the facts table in docs/kb-authoring.md, which knowledge-base
``adjust`` conditions test; a few more (``tenant_id``, ``client_id``, ``redirect_uri``,
``scopes``, ``token_endpoint``) fill placeholders in fix text. The secret never becomes a fact.
"""

from __future__ import annotations

from authdoctor.extract.facts import Facts, FactValue
from authdoctor.profile import microsoft as ms
from authdoctor.profile.jvm import java_version, proxy
from authdoctor.profile.schema import Profile
from authdoctor.profile.scopes import joined, scope_list
from authdoctor.profile.versions import other_mailbox, protocol

SOURCE = "profile"


def profile_facts(profile: Profile, source: str = SOURCE) -> Facts:
    facts = Facts()

    def put(name: str, value: FactValue | None) -> None:
        if value is not None and value != "":
            facts.set(name, value, source)

    put("product", profile.product)
    put("product_version", profile.product_version)
    put("edition", profile.edition)
    put("integration", profile.integration)
    put("provider", ms.provider_of(profile))
    put("cloud", profile.cloud)
    put("app_account_type", profile.app_account_type)
    put("protocol", protocol(profile))
    put("tenant_id", profile.tenant_id)
    put("client_id", profile.client_id)
    put("redirect_uri", profile.redirect_uri)
    put("token_endpoint", profile.token_endpoint)
    put("authorization_endpoint", profile.authorization_endpoint)
    scopes = scope_list(profile)
    put("scopes", joined(scopes) if scopes else None)
    if profile.cluster is not None and profile.cluster.nodes is not None:
        put("nodes", profile.cluster.nodes)
        put("clustered", profile.cluster.nodes > 1)
    if profile.cluster is not None:
        put("sticky_sessions", profile.cluster.sticky_sessions)
    java = java_version(profile.runtime.java_version) if profile.runtime is not None else None
    if java is not None:
        put("java_version", ".".join(map(str, java)))
    if profile.runtime is not None:
        put("proxy", proxy(profile).configured)
    mail = profile.mail
    if mail is not None:
        other = other_mailbox(mail)
        if mail.shared_mailbox is not None or other:
            put("mailbox_shared", bool(mail.shared_mailbox) or other)
    return facts
