"""Microsoft clouds and their host names, shared by the scope and endpoint rules.

The seeds give the pairs that matter: worldwide and GCC use ``login.microsoftonline.com``,
``outlook.office365.com`` (mail host) and ``outlook.office.com`` (scope resource); GCC High
and DoD use the ``.us`` hosts. Hosts are grouped into families (worldwide, us-gov, china)
because GCC shares the worldwide hosts and DoD shares most GCC High ones.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from authdoctor.profile.schema import Profile
from authdoctor.profile.urls import parse

FAMILY = {"worldwide": "worldwide", "gcc": "worldwide", "gcc-high": "us-gov", "dod": "us-gov", "china": "china"}
LOGIN_HOST = {"worldwide": "login.microsoftonline.com", "us-gov": "login.microsoftonline.us",
              "china": "login.chinacloudapi.cn"}
MAIL_HOST = {"worldwide": "outlook.office365.com", "us-gov": "outlook.office365.us", "china": "partner.outlook.cn"}
SCOPE_HOST = {"worldwide": "outlook.office.com", "us-gov": "outlook.office365.us", "china": "partner.outlook.cn"}
GRAPH_HOST = {"worldwide": "graph.microsoft.com", "us-gov": "graph.microsoft.us",
              "china": "microsoftgraph.chinacloudapi.cn"}

# host -> (family, role); role picks the replacement host in the right family
HOSTS: dict[str, tuple[str, str]] = {
    "login.microsoftonline.com": ("worldwide", "login"),
    "login.microsoft.com": ("worldwide", "login"),
    "sts.windows.net": ("worldwide", "login"),
    "login.windows.net": ("worldwide", "login"),
    "outlook.office365.com": ("worldwide", "mail"),
    "outlook.office.com": ("worldwide", "scope"),
    "graph.microsoft.com": ("worldwide", "graph"),
    "login.microsoftonline.us": ("us-gov", "login"),
    "outlook.office365.us": ("us-gov", "mail"),
    "outlook-dod.office365.us": ("us-gov", "mail"),
    "graph.microsoft.us": ("us-gov", "graph"),
    "dod-graph.microsoft.us": ("us-gov", "graph"),
    "login.chinacloudapi.cn": ("china", "login"),
    "login.partner.microsoftonline.cn": ("china", "login"),
    "partner.outlook.cn": ("china", "mail"),
    "microsoftgraph.chinacloudapi.cn": ("china", "graph"),
}
ROLE_HOST = {"login": LOGIN_HOST, "mail": MAIL_HOST, "scope": SCOPE_HOST, "graph": GRAPH_HOST}
MULTI_TENANT_SEGMENTS = ("common", "organizations", "consumers")

# The exact incoming-mail scope sets of seed 003, per cloud family.
MAIL_SCOPES = {
    "worldwide": ["https://outlook.office.com/IMAP.AccessAsUser.All",
                  "https://outlook.office.com/POP.AccessAsUser.All", "offline_access"],
    "us-gov": ["https://outlook.office365.us/IMAP.AccessAsUser.All",
               "https://outlook.office365.us/POP.AccessAsUser.All", "offline_access"],
}
GMAIL_SCOPES = ["https://mail.google.com/"]

ENDPOINT_FIELDS = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "issuer",
                   "discovery_url")


def host(url: str | None) -> str | None:
    parts = parse(url)
    h = parts.hostname if parts is not None else None
    return h.lower() if h else None


def family_of(hostname: str | None) -> str | None:
    if hostname is None:
        return None
    entry = HOSTS.get(hostname.lower())
    return entry[0] if entry else None


def is_microsoft(profile: Profile) -> bool:
    """Microsoft as the provider, said outright or implied by a Microsoft login host."""
    if profile.provider is not None:
        return profile.provider == "microsoft"
    return any(family_of(host(getattr(profile, f))) for f in ENDPOINT_FIELDS)


def provider_of(profile: Profile) -> str | None:
    """The provider as stated, else "microsoft" when a Microsoft host implies it, else None."""
    return profile.provider or ("microsoft" if is_microsoft(profile) else None)


def profile_family(profile: Profile) -> str | None:
    """The cloud family the profile states, else the one its login/mail hosts agree on."""
    if profile.cloud is not None:
        return FAMILY[profile.cloud]
    seen = {family_of(h) for h in hosts_in_use(profile).values()} - {None}
    return seen.pop() if len(seen) == 1 else None


def hosts_in_use(profile: Profile) -> dict[str, str]:
    """Field path -> host, for the endpoints and the mail host."""
    out: dict[str, str] = {}
    for f in ENDPOINT_FIELDS:
        h = host(getattr(profile, f))
        if h:
            out[f] = h
    if profile.mail is not None and profile.mail.host:
        out["mail.host"] = profile.mail.host.strip().lower()
    return out


def replacement_host(hostname: str, family: str) -> str | None:
    """The host with the same role in ``family`` (None for hosts this module does not know)."""
    entry = HOSTS.get(hostname.lower())
    if entry is None:
        return None
    return ROLE_HOST[entry[1]][family]


def scope_replacement(hostname: str, family: str) -> str | None:
    """Like :func:`replacement_host` for scope resources: Exchange scopes use SCOPE_HOST."""
    entry = HOSTS.get(hostname.lower())
    if entry is None or entry[1] == "login":
        return None
    return GRAPH_HOST[family] if entry[1] == "graph" else SCOPE_HOST[family]


def swap_host(url: str, new_host: str) -> str:
    """``url`` with its host replaced, everything else byte for byte."""
    parts = urlsplit(url)
    netloc = parts.netloc
    old = parts.hostname or ""
    idx = netloc.lower().rfind(old)
    if idx < 0:
        return url
    netloc = netloc[:idx] + new_host + netloc[idx + len(old):]
    return parts._replace(netloc=netloc).geturl()


def tenant_segment(url: str | None) -> str | None:
    """The first path segment of a Microsoft login URL (the tenant, or common/organizations)."""
    split = parse(url)
    parts = [p for p in split.path.split("/") if p] if split is not None else []
    return parts[0] if parts else None


def is_multi_tenant(url: str | None) -> bool:
    """Whether a login URL names a multi-tenant endpoint (common, organizations, consumers)."""
    return (tenant_segment(url) or "").lower() in MULTI_TENANT_SEGMENTS


def replace_tenant(url: str, tenant: str) -> str:
    parts = urlsplit(url.strip())
    segs = parts.path.split("/")
    for i, s in enumerate(segs):
        if s:
            segs[i] = tenant
            break
    return parts._replace(path="/".join(segs)).geturl()
