"""A lean path for `POST /api/v1/assess`, the endpoint that EHRs and forms call the most.

FastAPI's request handling (its middleware, the router, dependency solving for the body, the
query and the header) cost more than the assessment and its commit together
(docs/performance.md). `Lean` sits outside that stack, inside only the request metrics and
the access log (`Observe`), and answers the common request itself: headers within the limits
(`HeaderLimits`), `Content-Type: application/json`, a body within `max_body_bytes` that
validates, no query or `policy=<id>`, at most one `X-Spinewise-Reference` within its limit.
Anything else (a bad body, an unknown policy, an oversized header, a client gone before the
body was read) is handed, body and all, to the whole stack, so every error, and the OpenAPI
description, stay the REST route's (rest.py). The two must take the same parameters: `install`
checks that they do and otherwise leaves FastAPI's route to answer alone; with CORS on, it
does too (the CORS middleware's headers go on every answer).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import parse_qsl

from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spinewise.api.limits import header_refusal, media_type
from spinewise.assessor import Assessor
from spinewise.decision_log import LogError
from spinewise.model import Presentation

__all__ = ["PATH", "Lean", "install"]

logger = logging.getLogger("spinewise.api")

PATH = "/api/v1/assess"
REFERENCE = b"x-spinewise-reference"
#: The REST route's parameters (rest.py) that this path takes over.
EXPECTED = {"query": ["policy"], "header": ["X-Spinewise-Reference"], "body": ["presentation"]}
JSON = [(b"content-type", b"application/json")]


def _shape(route: APIRoute) -> dict[str, list[str]]:
    d = route.dependant
    return {
        "query": [p.alias for p in d.query_params],
        "header": [p.alias for p in d.header_params],
        "body": [p.name for p in d.body_params],
        "path": [p.name for p in d.path_params],
        "cookie": [p.name for p in d.cookie_params],
    }


def _api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)  # FastAPI's include_router
        if included is not None:
            yield from _api_routes(included.routes)


def install(
    app: FastAPI,
    policies: frozenset[str],
    default_policy: str,
    *,
    max_body_bytes: int,
    max_header_bytes: int,
    cors: bool,
    unavailable: Callable[[LogError], ASGIApp],
) -> Callable[[ASGIApp], ASGIApp] | None:
    """The wrapper that puts the lean path in front of FastAPI's stack, if the REST route
    still takes exactly the parameters handled here (otherwise None). `unavailable` logs and
    answers a decision log that cannot record (ops.py), as the stack's handler does."""
    rest = next(
        (r for r in _api_routes(app.router.routes) if r.path == PATH and r.methods == {"POST"}),
        None,
    )
    if rest is None or _shape(rest) != {**EXPECTED, "path": [], "cookie": []}:
        logger.warning("the lean path for %s is off: the REST route's parameters changed", PATH)
        return None
    if cors:
        # CORS headers (`Vary: Origin` on every answer, too) are the CORS middleware's.
        logger.info("the lean path for %s is off: CORS is on", PATH)
        return None
    max_reference = next(
        (m.max_length for m in rest.dependant.header_params[0].field_info.metadata
         if hasattr(m, "max_length")),
        None,
    )  # fmt: skip

    def wrap(stack: ASGIApp) -> ASGIApp:
        return Lean(
            stack,
            rest=rest,
            policies=policies,
            default_policy=default_policy,
            max_reference=max_reference or 0,
            max_body_bytes=max_body_bytes,
            max_header_bytes=max_header_bytes,
            unavailable=unavailable,
        )

    return wrap


class Lean:
    """The ASGI wrapper of the lean path (see the module docstring)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        rest: APIRoute,
        policies: frozenset[str],
        default_policy: str,
        max_reference: int,
        max_body_bytes: int,
        max_header_bytes: int,
        unavailable: Callable[[LogError], ASGIApp],
    ) -> None:
        self.app = app
        self.rest = rest
        self.policies = policies
        self.default_policy = default_policy
        self.max_reference = max_reference
        self.max_body_bytes = max_body_bytes
        self.max_header_bytes = max_header_bytes
        self.unavailable = unavailable

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or scope["path"] != scope.get("root_path", "") + PATH
            or (declared := self._plain_head(scope)) is None
            or declared > self.max_body_bytes  # the stack's 413, before reading the body
        ):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] == "http.disconnect":  # the stack's answer and metrics
                await self._hand_over(scope, receive, send, messages)
                return
            size += len(message.get("body", b""))
            if size > self.max_body_bytes:  # the stack answers 413 (and reads no more)
                await self._hand_over(scope, receive, send, messages)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(m.get("body", b"") for m in messages)
        service: Assessor = scope["app"].state.service
        answer = self._plain(scope, body, service)
        if answer is None:
            await self._hand_over(scope, receive, send, messages)
            return
        presentation, policy, reference = answer
        scope["route"] = self.rest  # for the metrics and the access log: the same template
        try:
            result = await service.assess(presentation, policy, channel="api", reference=reference)
        except LogError as exc:
            await self.unavailable(exc)(scope, receive, send)  # as the stack's handler
            return
        except Exception:
            # As the stack's ServerErrorMiddleware: a plain 500, and the error goes on to the
            # server, which logs it.
            await PlainTextResponse("Internal Server Error", status_code=500)(scope, receive, send)
            raise
        out = result.model_dump_json().encode()
        await send({
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-length", str(len(out)).encode()), *JSON],
        })  # fmt: skip
        await send({"type": "http.response.body", "body": out})

    def _plain_head(self, scope: Scope) -> int | None:
        """The declared body length (0 when none) of a request whose head is plain: headers
        within the limits, one Content-Type, `application/json` (FastAPI reads the first, the
        content-type check the last), at most one Content-Length, a number. None otherwise."""
        if header_refusal(scope, self.max_header_bytes) is not None:
            return None
        types = [value for key, value in scope["headers"] if key.lower() == b"content-type"]
        lengths = [value for key, value in scope["headers"] if key.lower() == b"content-length"]
        if len(types) != 1 or media_type(scope) != "application/json" or len(lengths) > 1:
            return None
        if not lengths:
            return 0
        return int(lengths[0]) if lengths[0].isdigit() else None

    def _plain(
        self, scope: Scope, body: bytes, service: Assessor
    ) -> tuple[Presentation, str, str | None] | None:
        """The request's presentation, policy and reference when it is a plain one."""
        policy = self.default_policy
        query = scope.get("query_string", b"")
        if query:
            pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
            if len(pairs) != 1 or pairs[0][0] != "policy" or pairs[0][1] not in self.policies:
                return None
            policy = pairs[0][1]
        references = [value for key, value in scope["headers"] if key.lower() == REFERENCE]
        reference = None
        if references:
            reference = references[0].decode("latin-1")
            if len(references) > 1 or len(reference) > self.max_reference:
                return None
        try:
            presentation = Presentation.model_validate_json(
                body, context={"finding_ids": service.rulebook.finding_ids}
            )
        except ValidationError:
            return None
        return presentation, policy, reference

    async def _hand_over(
        self, scope: Scope, receive: Receive, send: Send, messages: list[Message]
    ) -> None:
        """To the whole stack, with the body messages that were already read."""
        pending = list(messages)

        async def replay() -> Message:
            if pending:
                return pending.pop(0)
            return await receive()

        await self.app(scope, replay, send)
