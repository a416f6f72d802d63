"""Outbound HTTP (FHIR servers, JWKS, SMART authorization servers): only where the caller has
checked the URL is allowed, with a total deadline and a byte cap on every response.

The cap is enforced while the body streams in (a 300 MB answer is cut off at the cap, not read
into memory first); compression is refused so that the bytes counted are the bytes parsed.
Redirects are not followed: a redirect to another host would leave the allow-list. Errors name
the host and what went wrong, never a query string (it can carry a patient id) or a token.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pydantic_core

__all__ = [
    "FHIR_ID",
    "Limits",
    "OutboundError",
    "base_url",
    "capped_client",
    "capped_transport",
    "fhir_search",
    "get_json",
    "parse_json",
    "where",
    "within",
]

#: A FHIR id (R4 `id` datatype): what a patient id must be before it goes into a URL.
FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


class _NoPaths(logging.Filter):
    """httpx logs every request's full URL at INFO: outbound URLs carry patient ids
    (`Condition?patient=…`), so its records keep only scheme and host."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                where(str(arg)) if isinstance(arg, httpx.URL) else arg for arg in record.args
            )
        return True


logging.getLogger("httpx").addFilter(_NoPaths())


class OutboundError(Exception):
    """An outbound call failed or was refused; the message is safe to log."""


@dataclass(frozen=True)
class Limits:
    """A total deadline (seconds) for a group of calls, and a byte cap per response."""

    deadline: float
    max_bytes: int


def base_url(url: str) -> str:
    """A base URL as compared against an allow-list: no trailing slash, lower-case host."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def where(url: str) -> str:
    """What an error may say about a URL: its scheme and host, nothing of its path or query."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def parse_json(data: bytes | str) -> Any:
    """JSON with a nesting limit (about 200 levels; FHIR resources need far fewer): `ValueError`
    for anything deeper or malformed, never a `RecursionError`."""
    return pydantic_core.from_json(data, allow_inf_nan=False)


def _capped_classes(http: Any) -> Any:
    """The capped transport class for an httpx-compatible module (httpx, or httpx2 that Authlib
    uses): the same code, the module's own base classes."""

    class CappedStream(http.AsyncByteStream):  # type: ignore[misc]
        def __init__(self, stream: Any, cap: int, host: str) -> None:
            self._stream = stream
            self._cap = cap
            self._host = host

        async def __aiter__(self) -> AsyncIterator[bytes]:
            seen = 0
            async for chunk in self._stream:
                seen += len(chunk)
                if seen > self._cap:
                    raise OutboundError(f"{self._host}: response over {self._cap} bytes")
                yield chunk

        async def aclose(self) -> None:
            await self._stream.aclose()

    class CappedTransport(http.AsyncBaseTransport):  # type: ignore[misc]
        """Every response body is counted as it arrives and cut off at the cap."""

        def __init__(self, cap: int) -> None:
            self._inner = http.AsyncHTTPTransport(retries=0)
            self._cap = cap

        async def handle_async_request(self, request: Any) -> Any:
            host = f"{request.url.scheme}://{request.url.netloc.decode('ascii', 'replace')}"
            response = await self._inner.handle_async_request(request)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self._cap:
                await response.aclose()
                raise OutboundError(f"{host}: response of {declared} bytes is over {self._cap}")
            return http.Response(
                status_code=response.status_code,
                headers=response.headers,
                stream=CappedStream(response.stream, self._cap, host),
                extensions=response.extensions,
            )

        async def aclose(self) -> None:
            await self._inner.aclose()

    return CappedTransport


_CappedTransport = _capped_classes(httpx)


def capped_transport(limits: Limits, http: Any = httpx) -> Any:
    """The transport of `capped_client` built on `http` (an httpx-compatible module), for
    clients made by other libraries (Authlib's, on httpx2)."""
    transport = _CappedTransport if http is httpx else _capped_classes(http)
    return transport(limits.max_bytes)


def capped_client(limits: Limits, **kwargs: Any) -> httpx.AsyncClient:
    """An `httpx.AsyncClient` whose responses are capped; no redirects, no compression, and a
    per-read timeout no longer than the deadline."""
    headers = {"Accept-Encoding": "identity", **kwargs.pop("headers", {})}
    return httpx.AsyncClient(
        transport=_CappedTransport(limits.max_bytes),
        follow_redirects=False,
        timeout=httpx.Timeout(limits.deadline),
        headers=headers,
        **kwargs,
    )


async def get_json(
    client: httpx.AsyncClient,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    missing_ok: bool = False,
) -> Any:
    """GET a JSON document (`None` for a 404 when `missing_ok`). The caller bounds the whole
    group of calls with `asyncio.timeout`; the client caps each response."""
    try:
        response = await client.get(url, headers=dict(headers or {}))
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code != 200:
            raise OutboundError(f"{where(url)}: HTTP {response.status_code}")
        return parse_json(response.content)
    except OutboundError:
        raise
    except httpx.HTTPError as exc:
        raise OutboundError(f"{where(url)}: {type(exc).__name__}") from None
    except ValueError:
        raise OutboundError(f"{where(url)}: not JSON (or nested too deeply)") from None


async def within(deadline: float, what: str, call: Any) -> Any:
    """Await `call` within `deadline` seconds, or `OutboundError` naming `what`."""
    try:
        async with asyncio.timeout(deadline):
            return await call
    except TimeoutError:
        raise OutboundError(f"{what}: no complete answer within {deadline:g} s") from None


async def fhir_search(
    client: httpx.AsyncClient,
    base: str,
    query: str,
    *,
    headers: Mapping[str, str],
    max_pages: int = 10,
) -> list[dict[str, Any]]:
    """Every resource a FHIR search (or read) returns, following `next` links that stay under
    `base` (a link elsewhere is not followed), up to `max_pages` pages."""
    url: str | None = f"{base.rstrip('/')}/{query.lstrip('/')}"
    out: list[dict[str, Any]] = []
    pages = 0
    while url is not None and pages < max_pages:
        data = await get_json(client, url, headers=headers, missing_ok=True)
        pages += 1
        url = None
        if not isinstance(data, Mapping):
            break
        if data.get("resourceType") != "Bundle":
            out.append(dict(data))
            break
        for entry in data.get("entry") or []:
            resource = entry.get("resource") if isinstance(entry, Mapping) else None
            if isinstance(resource, Mapping):
                out.append(dict(resource))
        for link in data.get("link") or []:
            if isinstance(link, Mapping) and link.get("relation") == "next":
                following = str(link.get("url") or "")
                if base_url(following).startswith(base_url(base) + "/"):
                    url = following
    return out
