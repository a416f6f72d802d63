"""Verify the JWT bearer token of every CDS Hooks call, as the specification requires.

Asymmetric algorithms only; `typ` JWT; `kid` found in the issuer's JWKS; `iss` allow-listed with
its JWKS (an https URL, fetched and cached, or a local file); `jku` only if it is the issuer's
allow-listed JWKS; `aud` exactly the URL called; `exp` and `iat` with at most 60 s of leeway;
`jti` never seen before within the token's lifetime. Any failure is an `Unauthorized` with no
detail for the caller; only `iss` and `jti` are logged.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import jwt

__all__ = ["ALGORITHMS", "LEEWAY_SECONDS", "TokenVerifier", "Unauthorized"]

logger = logging.getLogger("spinewise.cds.auth")

#: Asymmetric signatures only: never `none`, never HMAC (a shared secret is not an identity).
ALGORITHMS = ("ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512")
LEEWAY_SECONDS = 60
JWKS_TTL_SECONDS = 300


class Unauthorized(Exception):
    """The call is refused (401). The reason is for the log, never for the caller."""


class TokenVerifier:
    """Checks tokens against allow-listed issuers; remembers `jti`s until their tokens expire."""

    def __init__(self, issuers: Mapping[str, str], *, http_timeout: float = 3.0) -> None:
        self.issuers = dict(issuers)
        self.http_timeout = http_timeout
        self._jwks: dict[str, tuple[float, jwt.PyJWKSet]] = {}
        self._seen: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def verify(self, authorization: str | None, audience: str) -> dict[str, Any]:
        """The token's claims, or `Unauthorized`."""
        if not self.issuers:
            raise Unauthorized("no trusted issuer is configured")
        if not authorization or not authorization.startswith("Bearer "):
            raise Unauthorized("no bearer token")
        token = authorization.removeprefix("Bearer ").strip()
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"malformed token: {exc}") from None
        iss, jti = unverified.get("iss"), unverified.get("jti")
        try:
            claims = self._check(token, header, iss, audience)
        except Unauthorized as exc:
            logger.warning("CDS Hooks call refused: iss=%r jti=%r: %s", iss, jti, exc)
            raise
        return claims

    def _check(
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
        if not isinstance(iss, str) or iss not in self.issuers:
            raise Unauthorized("issuer is not trusted")
        location = self.issuers[iss]
        jku = header.get("jku")
        if jku is not None and jku != location:
            raise Unauthorized("jku is not the issuer's allow-listed JWKS")
        key = self._key(location, kid)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=[alg],
                audience=audience,
                issuer=iss,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "jti"], "strict_aud": True},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"invalid token: {exc}") from None
        now = time.time()
        if float(claims["iat"]) > now + LEEWAY_SECONDS:
            raise Unauthorized("iat is in the future")
        self._remember(iss, str(claims["jti"]), float(claims["exp"]), now)
        return claims

    def _remember(self, iss: str, jti: str, exp: float, now: float) -> None:
        with self._lock:
            # Forget tokens that have expired: a replay of one fails on `exp` anyway.
            for seen, until in list(self._seen.items()):
                if until + LEEWAY_SECONDS < now:
                    del self._seen[seen]
            if (iss, jti) in self._seen:
                raise Unauthorized("jti was used before")
            self._seen[(iss, jti)] = exp

    def _key(self, location: str, kid: str) -> Any:
        jwks = self._jwks_for(location)
        for jwk in jwks.keys:
            if jwk.key_id == kid:
                return jwk.key
        # A rotated key: fetch once more before refusing.
        jwks = self._jwks_for(location, refresh=True)
        for jwk in jwks.keys:
            if jwk.key_id == kid:
                return jwk.key
        raise Unauthorized("kid not found in the issuer's JWKS")

    def _jwks_for(self, location: str, *, refresh: bool = False) -> jwt.PyJWKSet:
        with self._lock:
            cached = self._jwks.get(location)
        if cached and not refresh and time.monotonic() - cached[0] < JWKS_TTL_SECONDS:
            return cached[1]
        try:
            if location.startswith("https://"):
                response = httpx.get(location, timeout=self.http_timeout)
                response.raise_for_status()
                data = response.json()
            elif location.startswith("http://"):
                raise Unauthorized("a JWKS URL must use https")
            else:
                data = json.loads(Path(location).read_text(encoding="utf-8"))
            jwks = jwt.PyJWKSet.from_dict(data)
        except (OSError, ValueError, httpx.HTTPError, jwt.PyJWTError) as exc:
            raise Unauthorized(f"cannot load the issuer's JWKS: {type(exc).__name__}") from None
        with self._lock:
            self._jwks[location] = (time.monotonic(), jwks)
        return jwks
