"""The OAuth 2.0 side of a SMART App Launch, through Authlib: discover the issuer's SMART
configuration, build the authorization request (PKCE S256, `launch`, `aud`), exchange the code.

Only registered issuers (`SPINEWISE_SMART_CLIENTS`) are ever contacted, over https unless
development allows http; every call has the outbound deadline and byte cap. Tokens are returned
to the caller (which keeps them server-side) and never logged.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx2
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.httpx_client import AsyncOAuth2Client

from spinewise.outbound import (
    Limits,
    OutboundError,
    base_url,
    capped_transport,
    get_json,
    where,
    within,
)
from spinewise.settings import Settings, SmartClient

__all__ = [
    "SmartConfiguration",
    "SmartError",
    "authorization_url",
    "client_for",
    "discover",
    "exchange",
]


class SmartError(Exception):
    """A launch that cannot go on; the message is safe to show and to log (no token, no id)."""


@dataclass(frozen=True)
class SmartConfiguration:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str


def client_for(settings: Settings, iss: str) -> tuple[str, SmartClient] | None:
    """The registration for a launch's `iss` (compared as a base URL), or None."""
    wanted = base_url(iss)
    for registered, client in settings.smart_clients.items():
        if base_url(registered) == wanted:
            return registered, client
    return None


def _secure(url: str, settings: Settings) -> bool:
    return url.startswith("https://") or (url.startswith("http://") and settings.dev_allow_http)


async def discover(http: Any, iss: str, settings: Settings, limits: Limits) -> SmartConfiguration:
    """The issuer's `.well-known/smart-configuration` (SMART App Launch 2.x)."""
    url = base_url(iss) + "/.well-known/smart-configuration"
    try:
        data = await within(limits.deadline, "SMART configuration", get_json(http, url, headers={}))
    except OutboundError as exc:
        raise SmartError(f"could not read the EHR's SMART configuration ({exc})") from None
    if not isinstance(data, Mapping):
        raise SmartError(f"{where(url)}: the SMART configuration is not a JSON object")
    endpoints = {k: data.get(k) for k in ("authorization_endpoint", "token_endpoint")}
    for key, value in endpoints.items():
        if not isinstance(value, str) or not _secure(value, settings):
            raise SmartError(f"{where(url)}: SMART configuration has no https {key}")
    methods = data.get("code_challenge_methods_supported") or []
    if "S256" not in methods:
        raise SmartError(f"{where(url)}: the EHR does not support PKCE S256")
    return SmartConfiguration(
        issuer=iss,
        authorization_endpoint=str(endpoints["authorization_endpoint"]),
        token_endpoint=str(endpoints["token_endpoint"]),
    )


def _oauth(client: SmartClient, redirect_uri: str, scope: str, limits: Limits) -> AsyncOAuth2Client:
    secret = client.client_secret.get_secret_value() if client.client_secret else None
    return AsyncOAuth2Client(
        client_id=client.client_id,
        client_secret=secret,
        token_endpoint_auth_method="client_secret_basic" if secret else "none",
        scope=scope,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        # Authlib's httpx integration runs on httpx2: the capped transport is built for it.
        transport=capped_transport(limits, httpx2),
        follow_redirects=False,
        timeout=limits.deadline,
    )


def authorization_url(
    config: SmartConfiguration,
    client: SmartClient,
    *,
    redirect_uri: str,
    scope: str,
    launch: str | None,
    limits: Limits,
) -> tuple[str, str, str]:
    """(the URL to send the browser to, the state, the PKCE verifier)."""
    verifier = secrets.token_urlsafe(64)
    extra: dict[str, str] = {"aud": config.issuer}
    if launch is not None:
        extra["launch"] = launch
    oauth = _oauth(client, redirect_uri, scope, limits)
    url, state = oauth.create_authorization_url(
        config.authorization_endpoint, state=secrets.token_urlsafe(32), code_verifier=verifier,
        **extra,
    )  # fmt: skip
    return str(url), str(state), verifier


async def exchange(
    config: SmartConfiguration,
    client: SmartClient,
    *,
    code: str,
    redirect_uri: str,
    scope: str,
    verifier: str,
    limits: Limits,
) -> dict[str, Any]:
    """The token response for an authorization code (with the PKCE verifier)."""
    oauth = _oauth(client, redirect_uri, scope, limits)
    try:
        async with oauth:
            token = await within(
                limits.deadline,
                "token endpoint",
                oauth.fetch_token(config.token_endpoint, code=code, code_verifier=verifier),
            )
    except OutboundError as exc:
        raise SmartError(f"the EHR's token endpoint did not answer ({exc})") from None
    except (AuthlibBaseError, ValueError) as exc:
        error = getattr(exc, "error", None) or type(exc).__name__
        raise SmartError(f"the EHR refused the authorization code ({error})") from None
    except httpx2.HTTPError as exc:  # from inside Authlib
        raise SmartError(f"the EHR's token endpoint failed ({type(exc).__name__})") from None
    return dict(token)
