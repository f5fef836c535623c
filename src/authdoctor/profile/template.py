"""``authdoctor check --init``: a commented profile template for one product and provider.

Only the product, provider and integration are filled in; every other key is present as a
comment with a realistic example, so the template is valid as written (a test loads every
combination) and an administrator uncomments what they can read off their screens.
"""

from __future__ import annotations

from typing import get_args

from authdoctor.profile.schema import Integration, Product, Provider

PRODUCTS: tuple[str, ...] = get_args(Product)
PROVIDERS: tuple[str, ...] = get_args(Provider)
INTEGRATIONS: tuple[str, ...] = get_args(Integration)

# provider -> (authorization endpoint, token endpoint, issuer)
ENDPOINTS = {
    "microsoft": ("https://login.microsoftonline.com/<tenant-id>/oauth2/v2.0/authorize",
                  "https://login.microsoftonline.com/<tenant-id>/oauth2/v2.0/token",
                  "https://login.microsoftonline.com/<tenant-id>/v2.0"),
    "google": ("https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token",
               "https://accounts.google.com"),
    "okta": ("https://<org>.okta.com/oauth2/default/v1/authorize", "https://<org>.okta.com/oauth2/default/v1/token",
             "https://<org>.okta.com/oauth2/default"),
    "keycloak": ("https://<host>/realms/<realm>/protocol/openid-connect/auth",
                 "https://<host>/realms/<realm>/protocol/openid-connect/token", "https://<host>/realms/<realm>"),
    "github": ("https://github.com/login/oauth/authorize", "https://github.com/login/oauth/access_token", None),
    "snowflake": ("https://<account>.snowflakecomputing.com/oauth/authorize",
                  "https://<account>.snowflakecomputing.com/oauth/token-request", None),
    "auth0": ("https://<tenant>.auth0.com/authorize", "https://<tenant>.auth0.com/oauth/token",
              "https://<tenant>.auth0.com/"),
    "salesforce": ("https://login.salesforce.com/services/oauth2/authorize",
                   "https://login.salesforce.com/services/oauth2/token", "https://login.salesforce.com"),
}
GENERIC_ENDPOINTS = ("https://idp.example.com/oauth2/authorize", "https://idp.example.com/oauth2/token",
                     "https://idp.example.com")
ATLASSIAN = ("jira", "jsm", "confluence", "bitbucket", "bamboo")


def default_integration(product: str, provider: str) -> str:
    if product in ("jira", "jsm") and provider in ("microsoft", "google"):
        return "mail-handler"
    if product == "posit-connect":
        return "oauth2-integration"
    return "sso"


def _scopes(provider: str, integration: str) -> str:
    if integration == "mail-handler":
        if provider == "google":
            return '["https://mail.google.com/"]'
        return ('["https://outlook.office.com/IMAP.AccessAsUser.All", '
                '"https://outlook.office.com/POP.AccessAsUser.All", offline_access]')
    if provider == "snowflake":
        return '["refresh_token", "session:role:<ROLE>"]'
    if provider == "salesforce":
        return '["api", "refresh_token"]'
    if provider == "github":
        return '["repo", "read:user"]'
    return '["openid", "profile", "email", "offline_access"]'


def _line(key: str, value: str, comment: str = "", active: bool = False, indent: int = 0) -> str:
    text = f"{' ' * indent}{'' if active else '# '}{key}: {value}"
    return f"{text:<60} # {comment}" if comment else text


def template(product: str, provider: str, integration: str | None = None) -> str:
    """The template text; raises ValueError for an unknown product, provider or integration."""
    for value, allowed, what in ((product, PRODUCTS, "product"), (provider, PROVIDERS, "provider")):
        if value not in allowed:
            raise ValueError(f"unknown {what} {value!r}: use one of {', '.join(allowed)}")
    integration = integration or default_integration(product, provider)
    if integration not in INTEGRATIONS:
        raise ValueError(f"unknown integration {integration!r}: use one of {', '.join(INTEGRATIONS)}")
    auth, token, issuer = ENDPOINTS.get(provider, GENERIC_ENDPOINTS)
    out = [
        f"# authdoctor integration profile: {product} + {provider} ({integration})",
        "# Fill in what you can read off your screens and leave the rest commented out:",
        "# a missing value is simply unknown. Check with:  authdoctor check this-file.yaml",
        "# Every key is described in docs/check.md and the JSON Schema",
        "# authdoctor/schemas/profile.schema.json. The client secret is never printed.",
        "",
        _line("name", f'"{product} {integration} via {provider}"', "a label for reports"),
        _line("environment", "production", "production | staging | test | development"),
        "",
        "# --- the product (the OAuth client) ---",
        _line("product", product, "", active=True),
        _line("product_version", '"8.20.1"', "in quotes: a bare 8.20 reads as the number 8.2"),
        _line("edition", "data-center", "server | data-center | cloud"),
        _line("base_url", "https://jira.example.com", "the product's public address"),
        _line("integration", integration, " | ".join(INTEGRATIONS), active=True),
        "",
        "# --- the identity provider and the app registration ---",
        _line("provider", provider, "", active=True),
    ]
    if provider == "microsoft":
        out += [
            _line("cloud", "worldwide", "worldwide | gcc | gcc-high | dod | china"),
            _line("tenant_id", "0e5c1f1a-2b3c-4d5e-8f90-123456789abc", "Entra admin centre > Overview"),
            _line("app_account_type", "single-tenant", "single-tenant | multi-tenant | multi-tenant-and-personal"),
        ]
    if provider == "github":
        out.append(_line("github_app_type", "github-app", "github-app | oauth-app (OAuth Apps give no refresh tokens)"))
    out += [
        _line("client_id", '"<client id>"'),
        _line("client_secret", "env:AUTHDOCTOR_CLIENT_SECRET", "the Value (not the ID); env:VAR reads a variable"),
        _line("client_secret_expires", "2025-12-31", "YYYY-MM-DD, as shown next to the secret"),
        _line("client_auth_method", "client_secret_post",
              "client_secret_post | client_secret_basic | private_key_jwt | none"),
        _line("pkce", "true"),
        _line("grant_type", "authorization_code"),
        _line("authorization_endpoint", auth),
        _line("token_endpoint", token),
    ]
    if issuer:
        out.append(_line("issuer", issuer))
        out.append(_line("discovery_url", issuer.rstrip("/") + "/.well-known/openid-configuration"))
    out += [
        _line("scopes", _scopes(provider, integration)),
        _line("redirect_uri", "https://jira.example.com/<callback path shown by the product>"),
        _line("registered_redirect_uris", '["https://jira.example.com/<callback path>"]', "[] when none"),
    ]
    if integration == "sso":
        out.append(_line("signing_key_configured", "true", "a certificate or public key is set"))
    if integration == "mail-handler":
        host = "imap.gmail.com" if provider == "google" else "outlook.office365.com"
        out += [
            "",
            "# --- the mail server ---",
            "# mail:",
            _line("protocol", "imap", "imap | pop | smtp", indent=2),
            _line("host", host, "GCC High/DoD: outlook.office365.us", indent=2),
            _line("port", "993", indent=2),
            _line("tls", "ssl", "none | ssl | starttls", indent=2),
            _line("two_line_auth_format", "true", "POP with OAuth needs it", indent=2),
            _line("mailbox", "support@example.com", indent=2),
            _line("authorizing_user", "admin@example.com", "who signs in to authorize", indent=2),
            _line("shared_mailbox", "false", indent=2),
        ]
    if product in ATLASSIAN:
        out += [
            "",
            "# --- the JVM (bin/setenv.sh) ---",
            "# runtime:",
            _line("java_version", '"11.0.20"', "java -version", indent=2),
            _line("jvm_args", '"-Dhttps.proxyHost=proxy.example.com -Dhttps.proxyPort=3128"', indent=2),
            "  # proxy:",
            _line("host", "proxy.example.com", indent=4),
            _line("auth", "basic", "none | basic | digest | ntlm | kerberos", indent=4),
            _line("non_proxy_hosts", '["*.example.com"]', indent=4),
            "",
            "# --- Data Center cluster ---",
            "# cluster:",
            _line("nodes", "3", indent=2),
            _line("load_balancer", "nginx", indent=2),
            _line("sticky_sessions", "true", indent=2),
        ]
    return "\n".join(out) + "\n"
