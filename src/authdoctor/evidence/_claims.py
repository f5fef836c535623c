"""Plain-language meanings of JWT header fields and claims (standard, Microsoft, Okta,
Google, Keycloak), so a person reading a decoded token knows what each value controls
without looking up five specifications."""

from __future__ import annotations

HEADER: dict[str, str] = {
    "alg": "signature algorithm; the validator must pin the algorithms it accepts",
    "typ": "token type (JWT, at+jwt for RFC 9068 access tokens)",
    "kid": "id of the signing key; the validator looks it up in the issuer's JWKS",
    "x5t": "SHA-1 thumbprint of the signing certificate (Microsoft also uses it as a key id)",
    "x5t#S256": "SHA-256 thumbprint of the signing certificate",
    "jku": "URL of a key set; a validator must never trust it blindly",
    "jwk": "a public key embedded in the token; never trust it to verify the same token",
    "x5c": "certificate chain embedded in the token",
    "cty": "content type; 'JWT' means a nested token",
    "enc": "content encryption algorithm (JWE)",
    "zip": "compression of the encrypted content",
    "crit": "extensions the validator must understand or reject the token",
    "nonce": "Microsoft: a value that makes this token verifiable only by Microsoft Graph (no third party "
             "can validate the signature)",
}

STANDARD: dict[str, str] = {
    "iss": "issuer: who created and signed the token; must equal the issuer the validator is configured with",
    "sub": "subject: the stable id of the user (or client) at this issuer",
    "aud": "audience: who the token is for; a validator must reject tokens whose aud is not itself",
    "exp": "expiry: the token is refused after this time",
    "nbf": "not before: the token is refused before this time",
    "iat": "issued at",
    "jti": "unique token id (replay detection)",
    "auth_time": "when the user last authenticated interactively",
    "nonce": "echo of the nonce the client sent in the authorize request; must equal it",
    "azp": "authorized party: the client the token was issued to",
    "at_hash": "hash of the access token issued with this ID token",
    "c_hash": "hash of the authorization code issued with this ID token",
    "acr": "authentication context class (strength of the sign-in)",
    "amr": "authentication methods used (pwd, mfa, otp, ...)",
    "sid": "session id at the provider (used for logout)",
    "scope": "scopes granted to this access token",
    "client_id": "the client the token was issued to",
    "email": "email address of the user (check email_verified before trusting it)",
    "email_verified": "whether the provider verified the email address",
    "name": "display name",
    "given_name": "first name",
    "family_name": "last name",
    "preferred_username": "the user's sign-in name; not guaranteed unique or stable",
    "locale": "user's locale",
    "picture": "profile picture URL",
    "groups": "group memberships (may be ids, not names)",
    "typ": "token type according to the issuer",
    "cnf": "confirmation key: the token is bound to a key (DPoP / mTLS)",
    "act": "actor: who acts on behalf of the subject (token exchange)",
    "may_act": "who may act on behalf of the subject",
    "events": "security event (logout token)",
}

MICROSOFT: dict[str, str] = {
    "tid": "tenant id: the Entra directory that issued the token; a single-tenant app accepts only its own",
    "oid": "object id of the user (or service principal) in that tenant: the stable key for the user",
    "scp": "delegated permissions granted (space separated) — present when a user is signed in",
    "roles": "application roles / application permissions granted — app-only tokens carry these instead of scp",
    "ver": "token version: 1.0 (issuer sts.windows.net) or 2.0 (issuer login.microsoftonline.com/…/v2.0); "
           "set by the API's accessTokenAcceptedVersion",
    "appid": "v1.0: id of the client application that requested the token",
    "azp": "v2.0: id of the client application that requested the token",
    "appidacr": "v1.0: how the client authenticated (0 public, 1 secret, 2 certificate)",
    "azpacr": "v2.0: how the client authenticated (0 public, 1 secret, 2 certificate)",
    "idp": "identity provider that authenticated the user (differs from iss for guests and personal accounts)",
    "upn": "user principal name (can change; do not use as a key)",
    "unique_name": "v1.0: human-readable user name",
    "ipaddr": "IP address the user signed in from",
    "uti": "token id (internal)",
    "rh": "internal, used by Microsoft to revalidate tokens",
    "wids": "directory role template ids of the user (admin roles)",
    "hasgroups": "the user has too many groups for the token: read them from Graph instead",
    "_claim_names": "group claims moved out of the token (overage): read them from Graph",
    "_claim_sources": "where the overage claims can be read",
    "onprem_sid": "on-premises security identifier of the user",
    "xms_tcdt": "tenant creation time",
    "xms_pdl": "preferred data location",
    "xms_ftd": "internal routing hint",
    "xms_idrel": "internal",
    "aio": "internal, used by Microsoft",
    "acct": "account status (0 member, 1 guest)",
    "login_hint": "opaque hint for silent sign-in",
    "sid": "session id",
}

OKTA: dict[str, str] = {
    "cid": "client id the access token was issued to",
    "uid": "Okta user id",
    "scp": "scopes granted to this access token",
    "ver": "Okta token format version",
    "idp": "id of the identity provider that authenticated the user",
}

GOOGLE: dict[str, str] = {
    "hd": "hosted domain: the Google Workspace domain of the user (absent for consumer accounts); check it "
          "to restrict sign-in to your organisation",
    "azp": "client id of the app that requested the token",
}

KEYCLOAK: dict[str, str] = {
    "realm_access": "realm roles of the user",
    "resource_access": "client roles of the user, per client",
    "session_state": "Keycloak session id",
    "allowed-origins": "web origins allowed for CORS with this token",
    "typ": "Keycloak token type: Bearer (access), ID, Refresh, Logout",
}

TIME_CLAIMS = ("exp", "nbf", "iat", "auth_time", "updated_at", "pwd_exp", "xms_tcdt")


def meaning(name: str, vendor: str | None) -> str:
    """The explanation of one claim for tokens from ``vendor`` (microsoft, okta, google, keycloak)."""
    tables = {"microsoft": MICROSOFT, "okta": OKTA, "google": GOOGLE, "keycloak": KEYCLOAK}
    table = tables.get(vendor or "")
    if table is not None and name in table:
        return table[name]
    return STANDARD.get(name, "")
