"""authdoctor: finds the root cause of failing OAuth 2.0 / OpenID Connect / SSO integrations."""

__version__ = "0.1.0"
