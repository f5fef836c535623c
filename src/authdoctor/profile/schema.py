"""The integration profile: what an administrator can read off their screens, as data.

Every field is optional because a missing value is simply unknown: a rule that needs it is
skipped and the report names the fields that would enable it. Unknown keys are errors
(``extra="forbid"``) because a misspelt key would otherwise silently disable a check.
Strings are kept byte for byte (no URL normalisation) since several rules are about exact
matches, such as a trailing slash in a redirect URI.

Regenerate the shipped JSON Schema with ``python -m authdoctor.profile.schema``.
"""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

SCHEMA_ID = "urn:authdoctor:schema:profile/1"

Product = Literal["jira", "jsm", "confluence", "bitbucket", "bamboo", "posit-connect", "generic"]
Edition = Literal["server", "data-center", "cloud"]
Integration = Literal["oauth2-integration", "mail-handler", "sso", "application-link"]
Provider = Literal[
    "microsoft", "google", "okta", "keycloak", "github", "snowflake", "auth0", "salesforce", "ping", "adfs", "generic"
]
Cloud = Literal["worldwide", "gcc", "gcc-high", "dod", "china"]
AccountType = Literal["single-tenant", "multi-tenant", "multi-tenant-and-personal"]
AuthMethod = Literal["client_secret_post", "client_secret_basic", "private_key_jwt", "none"]
GrantType = Literal["authorization_code", "client_credentials", "device_code", "password", "implicit"]
Environment = Literal["production", "staging", "test", "development"]

_VERSION = re.compile(r"\d+(?:\.\d+){0,3}")


def _version_text(value: object, example: str) -> object:
    """YAML reads ``8.20`` as the float 8.2, losing the version; insist on quotes instead."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        raise ValueError(f'write the version in quotes, e.g. "{example}" (a bare number such as 8.20 reads as 8.2)')
    if isinstance(value, int):
        return str(value)
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Mail(_Strict):
    """The mail server configuration of a Jira/JSM mail handler (or outgoing SMTP)."""

    protocol: Literal["imap", "pop", "smtp"] | None = Field(None, description="Mail protocol.")
    host: str | None = Field(None, description="Mail server host name, e.g. outlook.office365.com.")
    port: int | None = Field(None, ge=1, le=65535, description="Mail server port.")
    tls: Literal["none", "ssl", "starttls"] | None = Field(None, description="Transport security.")
    two_line_auth_format: bool | None = Field(
        None, description="Jira's 'Use two line authentication format' option (needed for POP with OAuth)."
    )
    mailbox: str | None = Field(None, description="The mailbox address the handler reads.")
    authorizing_user: str | None = Field(None, description="The account that signs in to authorize the mailbox.")
    shared_mailbox: bool | None = Field(None, description="True when the mailbox is a shared mailbox.")
    oauth_channels: int | None = Field(
        None, ge=0, le=1000, description="JSM: number of email channels in one project that use OAuth 2.0."
    )


class Proxy(_Strict):
    """An outbound HTTP(S) proxy, when not (only) given as JVM arguments."""

    host: str | None = Field(None, description="Proxy host.")
    port: int | None = Field(None, ge=1, le=65535, description="Proxy port.")
    auth: Literal["none", "basic", "digest", "ntlm", "kerberos"] | None = Field(
        None, description="The authentication scheme the proxy demands."
    )
    user: str | None = Field(None, description="Proxy user name, when the proxy needs one.")
    non_proxy_hosts: list[str] | None = Field(None, description="Hosts reached directly (Java nonProxyHosts patterns).")


class Runtime(_Strict):
    """The JVM the product runs on."""

    java_version: str | None = Field(None, description="Java version, e.g. 1.8.0_292, 8u292 or 11.0.20.")
    jvm_args: list[str] | str | None = Field(
        None, description="JVM arguments as found in setenv.sh (one string or a list)."
    )
    proxy: Proxy | None = None
    truststore: str | None = Field(None, description="Path of the Java trust store in use.")

    @field_validator("java_version", mode="before")
    @classmethod
    def _java(cls, value: object) -> object:
        return _version_text(value, "11.0.20")


class Cluster(_Strict):
    """Data Center cluster layout."""

    nodes: int | None = Field(None, ge=1, le=1000, description="Number of application nodes.")
    load_balancer: str | None = Field(None, description="Load balancer product or name.")
    sticky_sessions: bool | None = Field(None, description="True when the load balancer keeps sessions on one node.")


class Profile(_Strict):
    """One OAuth 2.0 / OIDC / SSO integration, described once."""

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        title="authdoctor integration profile",
        json_schema_extra={"$id": SCHEMA_ID},
    )

    schema_uri: str | None = Field(None, alias="$schema", description="Optional JSON Schema reference for editors.")
    name: str | None = Field(None, description="A label for this integration.")
    environment: Environment | None = Field(None, description="Where the integration runs.")

    product: Product | None = Field(None, description="The product that acts as OAuth client.")
    product_version: str | None = Field(None, description='Product version in quotes, e.g. "8.20.1".')
    edition: Edition | None = Field(None, description="Product edition.")
    base_url: str | None = Field(None, description="The product's public base URL.")
    integration: Integration | None = Field(None, description="What the integration is used for.")
    dark_features: list[str] | None = Field(None, description="Enabled dark features (Atlassian).")

    provider: Provider | None = Field(None, description="The identity provider.")
    cloud: Cloud | None = Field(None, description="Microsoft cloud of the tenant.")
    tenant_id: str | None = Field(None, description="Microsoft tenant (directory) ID or domain.")
    app_account_type: AccountType | None = Field(
        None, description="Microsoft app registration: supported account types."
    )
    github_app_type: Literal["oauth-app", "github-app"] | None = Field(
        None, description="GitHub: an OAuth App or a GitHub App."
    )

    client_id: str | None = Field(None, description="Client / application ID.")
    client_secret: SecretStr | None = Field(
        None, description="Client secret value, or env:VARIABLE to read it from the environment. Never printed."
    )
    client_secret_expires: date | None = Field(None, description="Expiry date of the client secret (YYYY-MM-DD).")
    client_auth_method: AuthMethod | None = Field(
        None, description="How the client authenticates at the token endpoint."
    )
    pkce: bool | None = Field(None, description="True when the client sends a PKCE code challenge.")
    grant_type: GrantType | None = Field(None, description="The OAuth grant the integration uses.")
    needs_refresh_token: bool | None = Field(
        None, description="True when the integration must keep working without the user (refresh tokens)."
    )

    authorization_endpoint: str | None = None
    token_endpoint: str | None = None
    userinfo_endpoint: str | None = None
    issuer: str | None = None
    jwks_uri: str | None = None
    discovery_url: str | None = Field(None, description="The OpenID Connect discovery document URL in use.")
    discovery_issuer: str | None = Field(None, description="The 'issuer' value the discovery document states.")
    signing_key_configured: bool | None = Field(
        None, description="SSO: True when a public key or certificate to verify tokens is configured."
    )
    scopes: list[str] | str | None = Field(None, description="Requested scopes: a list, or one space-separated string.")
    redirect_uri: str | None = Field(None, description="The redirect (callback) URI the product sends.")
    registered_redirect_uris: list[str] | None = Field(
        None, description="Redirect URIs registered at the provider ([] when none are registered)."
    )

    mail: Mail | None = None
    runtime: Runtime | None = None
    cluster: Cluster | None = None

    @field_validator("product_version", mode="before")
    @classmethod
    def _product_version(cls, value: object) -> object:
        value = _version_text(value, "8.20.1")
        if isinstance(value, str) and not _VERSION.match(value):
            raise ValueError('expected a version such as "8.20.1"')
        return value

    @field_validator("client_secret_expires", mode="before")
    @classmethod
    def _expiry(cls, value: object) -> object:
        return value.date() if isinstance(value, datetime) else value

    def secret_value(self) -> str | None:
        """The secret itself, reading ``env:VAR`` at use time; None when unknown or unset."""
        if self.client_secret is None:
            return None
        raw = self.client_secret.get_secret_value()
        if raw.startswith("env:"):
            return os.environ.get(raw[4:]) or None
        return raw

    def secret_env_var(self) -> str | None:
        """The variable named by ``env:VAR``, so messages can say which one is unset."""
        if self.client_secret is None:
            return None
        raw = self.client_secret.get_secret_value()
        return raw[4:] if raw.startswith("env:") else None


def json_schema() -> dict[str, Any]:
    schema = Profile.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text() -> str:
    """The shipped ``schemas/profile.schema.json`` (a test compares the two)."""
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":  # pragma: no cover - regeneration helper
    sys.stdout.write(schema_text())
