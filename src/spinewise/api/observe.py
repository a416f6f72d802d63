"""Request metrics and the JSON access log, as pure ASGI middleware (no per-request objects
beyond a closure).

An access line names the method, the route template (`/handout/{assessment_id}`, never the
path as sent), the status, the time taken and the worker: never the query string, a header, a
body or a path parameter, which is where patient answers, references and tokens travel.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spinewise import metrics

__all__ = ["ACCESS_LOGGER", "JsonLines", "Observe", "json_access_log"]

ACCESS_LOGGER = "spinewise.access"
UNMATCHED = "(unmatched)"


class JsonLines(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, and the record's
    `fields` when it has them."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        return json.dumps(line, separators=(",", ":"))


class _Stdout(logging.Handler):
    """Writes to whatever `sys.stdout` is at the time (a container collects stdout)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stdout.write(self.format(record) + "\n")
            sys.stdout.flush()
        except Exception:  # logging never fails a request
            self.handleError(record)


def json_access_log() -> logging.Logger:
    """The access logger, writing JSON lines to stdout (set up once per process)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(h, _Stdout) for h in logger.handlers):
        handler = _Stdout()
        handler.setFormatter(JsonLines())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def route_of(scope: Scope, routes: Sequence[BaseRoute]) -> str:
    """The template of the route that answered (FastAPI puts it in the scope; the docs and
    the static files are matched here)."""
    route = scope.get("route")
    if route is not None:
        return str(route.path)
    for candidate in routes:
        match, _ = candidate.matches(scope)
        if match is Match.FULL:
            return str(getattr(candidate, "path", UNMATCHED) or UNMATCHED)
    return UNMATCHED


class Observe:
    """Counts and times every HTTP request (metrics), and writes an access line when asked."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        routes: Sequence[BaseRoute],
        access_log: logging.Logger | None = None,
    ) -> None:
        self.app = app
        self.routes = routes
        self.access_log = access_log
        self.pid = os.getpid()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # unless a response starts: an exception is answered with a 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - start
            route = route_of(scope, self.routes)
            metrics.request(scope["method"], route, status, seconds)
            if self.access_log is not None:
                self.access_log.info(
                    "request",
                    extra={
                        "fields": {
                            "method": scope["method"],
                            "route": route,
                            "status": status,
                            "duration_ms": round(seconds * 1000, 3),
                            "pid": self.pid,
                        }
                    },
                )
