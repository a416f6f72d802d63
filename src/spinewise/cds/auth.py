"""Verify the JWT bearer token of every CDS Hooks call, as the specification requires.

Asymmetric algorithms only, fitting the key's type; `typ` JWT; `kid` found in the issuer's JWKS;
`iss` allow-listed with its JWKS (an https URL, fetched and cached, or a local file); `jku` only
if it is the issuer's allow-listed JWKS; `aud` exactly the URL called under the configured
public URL (never taken from `Host`); `exp` and `iat` with at most 60 s of leeway and `exp` at
most 5 minutes after `iat` (the specification's recommendation); `jti` never seen before, in a
store that survives restarts.

The JWKS of an issuer is cached; an unknown `kid` refetches it at most once per minute (so
unauthenticated calls cannot turn into a stream of fetches), concurrent calls share one fetch,
and a fetch waits at most the outbound deadline. Any failure is an `Unauthorized` with no detail
for the caller; only `iss`, `jti` and the reason are logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx
import jwt

from spinewise.cds.replay import ReplayCache
from spinewise.outbound import OutboundError, get_json, within
from spinewise.settings import Settings

__all__ = [
    "ALGORITHMS",
    "LEEWAY_SECONDS",
    "MAX_AUTHORIZATION_BYTES",
    "MAX_LIFETIME_SECONDS",
    "TokenVerifier",
    "Unauthorized",
]

logger = logging.getLogger("spinewise.cds.auth")

#: Asymmetric signatures only: never `none`, never HMAC (a shared secret is not an identity).
ALGORITHMS = ("ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512")
#: The key type each algorithm family needs (an ES384 token naming an RSA key is refused).
KEY_TYPES = {"ES": "EC", "RS": "RSA", "PS": "RSA"}
LEEWAY_SECONDS = 60
#: CDS Hooks: "the expiration time ... SHOULD be set to at most 5 minutes" after issue.
MAX_LIFETIME_SECONDS = 300
MAX_AUTHORIZATION_BYTES = 8 * 1024
JWKS_TTL_SECONDS = 300
#: An unknown `kid` refetches the issuer's JWKS at most this often.
JWKS_MIN_REFRESH_SECONDS = 60


class Unauthorized(Exception):
    """The call is refused (401). The reason is for the log, never for the caller."""


class _Jwks:
    def __init__(self) -> None:
        self.keys: jwt.PyJWKSet | None = None
        self.fetched = float("-inf")
        self.lock = asyncio.Lock()


class TokenVerifier:
    """Checks tokens against allow-listed issuers; remembers `jti`s until their tokens expire."""

    def __init__(
        self,
        settings: Settings,
        replay: ReplayCache,
        http: Callable[[], httpx.AsyncClient],
    ) -> None:
        self.settings = settings
        self.replay = replay
        self.http = http
        self._jwks: dict[str, _Jwks] = {}

    async def verify(self, authorization: str | None, audience: str) -> dict[str, Any]:
        """The token's claims, or `Unauthorized`."""
        if not self.settings.cds_trusted_issuers:
            raise Unauthorized("no trusted issuer is configured")
        if not authorization or not authorization.startswith("Bearer "):
            raise Unauthorized("no bearer token")
        if len(authorization) > MAX_AUTHORIZATION_BYTES:
            raise Unauthorized("Authorization header too long")
        token = authorization.removeprefix("Bearer ").strip()
        try:
            # One unverified read for header and claims (which issuer, which key).
            complete = jwt.decode_complete(token, options={"verify_signature": False})
            header, unverified = complete["header"], complete["payload"]
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"malformed token: {type(exc).__name__}") from None
        iss, jti = unverified.get("iss"), unverified.get("jti")
        try:
            return await self._check(token, header, iss, audience)
        except Unauthorized as exc:
            logger.warning("CDS Hooks call refused: iss=%r jti=%r: %s", iss, jti, exc)
            raise

    async def _check(
        self, token: str, header: Mapping[str, Any], iss: Any, audience: str
    ) -> dict[str, Any]:
        alg = header.get("alg")
        if alg not in ALGORITHMS:
            raise Unauthorized(f"algorithm {alg!r} is not allowed")
        if header.get("typ") != "JWT":
            raise Unauthorized("typ must be JWT")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Unauthorized("kid is required")
        trusted = self.settings.trusted_issuer(iss) if isinstance(iss, str) else None
        if trusted is None:
            raise Unauthorized("issuer is not trusted")
        jku = header.get("jku")
        if jku is not None and jku != trusted.jwks and jku not in trusted.jku:
            raise Unauthorized("jku is not the issuer's allow-listed JWKS")
        jwk = await self._key(trusted.jwks, kid)
        # An EC key's curve fixes its algorithm (P-384: ES384); an RSA key takes RS* and PS*.
        wrong_curve = jwk.key_type == "EC" and jwk.algorithm_name != alg
        if jwk.key_type != KEY_TYPES[str(alg)[:2]] or wrong_curve:
            raise Unauthorized(f"algorithm {alg} does not fit key {kid!r} ({jwk.key_type})")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=jwk.key,
                algorithms=[str(alg)],
                audience=audience,
                issuer=iss,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "jti"], "strict_aud": True},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"invalid token: {exc}") from None
        except (TypeError, ValueError) as exc:  # a key the algorithm cannot use
            raise Unauthorized(f"invalid token: {type(exc).__name__}") from None
        now = time.time()
        issued, expires = claims["iat"], claims["exp"]
        if not isinstance(issued, int | float) or not isinstance(expires, int | float):
            raise Unauthorized("iat and exp must be numbers")
        if issued > now + LEEWAY_SECONDS:
            raise Unauthorized("iat is in the future")
        if expires - issued > MAX_LIFETIME_SECONDS:
            raise Unauthorized(f"exp is more than {MAX_LIFETIME_SECONDS} s after iat")
        if not self.replay.remember(iss, str(claims["jti"]), float(expires), now):
            raise Unauthorized("jti was used before")
        return claims

    async def _key(self, location: str, kid: str) -> jwt.PyJWK:
        entry = self._jwks.setdefault(location, _Jwks())
        stale = time.monotonic() - entry.fetched > JWKS_TTL_SECONDS
        found = None if stale else _find(entry.keys, kid)
        if found is not None:
            return found
        async with entry.lock:  # concurrent calls share one fetch
            found = _find(entry.keys, kid)
            recent = time.monotonic() - entry.fetched < JWKS_MIN_REFRESH_SECONDS
            if recent and found is None:
                raise Unauthorized("kid not in the issuer's JWKS (refetched less than 1 min ago)")
            if not recent or stale:
                # A failed fetch also waits out the interval (and the old keys stay).
                entry.fetched = time.monotonic()
                entry.keys = await self._fetch(location)
            found = _find(entry.keys, kid)
        if found is None:
            raise Unauthorized("kid not found in the issuer's JWKS")
        return found

    async def _fetch(self, location: str) -> jwt.PyJWKSet:
        try:
            if location.startswith("https://") or (
                location.startswith("http://") and self.settings.dev_allow_http
            ):
                deadline = self.settings.outbound_deadline_seconds
                data = await within(deadline, "JWKS", get_json(self.http(), location, headers={}))
            elif location.startswith("http://"):
                raise Unauthorized("a JWKS URL must use https")
            else:
                data = json.loads(Path(location).read_text(encoding="utf-8"))
            return jwt.PyJWKSet.from_dict(data)
        except (OSError, ValueError, OutboundError, jwt.PyJWTError) as exc:
            raise Unauthorized(f"cannot load the issuer's JWKS: {exc}") from None


def _find(keys: jwt.PyJWKSet | None, kid: str) -> jwt.PyJWK | None:
    for jwk in keys.keys if keys is not None else ():
        if jwk.key_id == kid:
            return jwk
    return None
