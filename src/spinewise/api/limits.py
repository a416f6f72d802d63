"""Content types as pure ASGI middleware: a POST in a type the route does not take is a 415
before anything reads it. Only paths that take a POST are listed, so any other method or path
still gets the router's 405 or 404. (Body size is FastAPI's own `max_body_size`.)"""

from __future__ import annotations

import asyncio
import functools
import json
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = [
    "MAX_AUTHORIZATION_BYTES",
    "ContentTypes",
    "HeaderLimits",
    "capped_protocol",
    "header_refusal",
    "media_type",
    "settings_protocol",
]

#: CDS Hooks tokens are a few hundred bytes; nothing legitimate sends an 8 KB Authorization.
MAX_AUTHORIZATION_BYTES = 8 * 1024


def header_refusal(scope: Scope, max_bytes: int) -> str | None:
    """Why an HTTP request's headers are too large, or None when they are within the limits."""
    total = 0
    for key, value in scope["headers"]:
        total += len(key) + len(value)
        if key.lower() == b"authorization" and len(value) > MAX_AUTHORIZATION_BYTES:
            return "the Authorization header is too large"
    return "request headers too large" if total > max_bytes else None


class HeaderLimits:
    """431 for requests whose headers (all together) or whose Authorization header are too
    large, before anything reads them. (`spinewise serve` also stops reading oversized headers
    off the socket: see `CappedHttpToolsProtocol`.)"""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = header_refusal(scope, self.max_bytes)
            if refusal is not None:
                await _reply(send, 431, refusal)
                return
        await self.app(scope, receive, send)


def media_type(scope: Scope) -> str:
    """A request's media type (its last Content-Type, parameters off, lower case; "" when
    none)."""
    media = ""
    for key, value in scope["headers"]:
        if key.lower() == b"content-type":
            media = value.decode("latin-1").split(";")[0].strip().lower()
    return media


class ContentTypes:
    """`accepted` maps a path (or a prefix ending in `/*`) to the media types it takes."""

    def __init__(self, app: ASGIApp, *, accepted: dict[str, tuple[str, ...]]) -> None:
        self.app = app
        self.accepted = accepted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            types = self._types(scope["path"])
            if types is not None:
                media = media_type(scope)
                if media not in types:
                    message = f"content type must be {' or '.join(types)}, not {media or 'none'}"
                    await _reply(send, 415, message)
                    return
        await self.app(scope, receive, send)

    def _types(self, path: str) -> tuple[str, ...] | None:
        for pattern, types in self.accepted.items():
            if path == pattern or (pattern.endswith("/*") and path.startswith(pattern[:-1])):
                return types
        return None


async def _reply(send: Send, status: int, message: str) -> None:
    body = json.dumps({"detail": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def capped_protocol(max_head_bytes: int) -> type[asyncio.Protocol]:
    """uvicorn's httptools protocol, stopping a request whose head (request line and headers)
    grows past `max_head_bytes`: 431 and the connection closed while the head is still
    arriving, so a 64 MB header is never read into memory. (`HeaderLimits` answers 431 for
    anything smaller than this and over the app's own limit.)"""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class CappedHttpToolsProtocol(HttpToolsProtocol):
        _head_bytes = 0
        _in_head = True

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._head_bytes, self._in_head = 0, True

        def on_headers_complete(self) -> None:
            self._in_head = False
            super().on_headers_complete()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if not self._in_head or self.transport.is_closing():
                return
            self._head_bytes += len(data)
            if self._head_bytes > max_head_bytes:
                body = b"request headers too large"
                self.transport.write(
                    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
                    b"content-type: text/plain\r\nconnection: close\r\n"
                    b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
                )
                self.transport.close()

    return CappedHttpToolsProtocol


@functools.cache
def _settings_protocol() -> type[asyncio.Protocol]:
    from spinewise.settings import Settings

    return capped_protocol(2 * Settings().max_header_bytes)


def settings_protocol(*args: Any, **kwargs: Any) -> asyncio.Protocol:
    """The capped protocol at twice the settings' header limit, by import path
    (`spinewise.api.limits:settings_protocol`): each worker process of `spinewise serve
    --workers N` builds it from its own environment (a class made in the parent cannot be
    pickled for the workers)."""
    return _settings_protocol()(*args, **kwargs)
