"""A lean route for `POST /api/v1/assess`, the endpoint that EHRs and forms call the most.

FastAPI's request handling (dependency solving for the body, the query and the header) cost
more than the assessment and its commit together (docs/performance.md). This route answers
the common request itself: a body that validates, no query or `policy=<id>`, and at most one
`X-Spinewise-Reference` within its limit. Anything else (a bad body, an unknown policy, an
unexpected parameter) is handed, body and all, to the FastAPI route in rest.py, so every error,
and the OpenAPI description, stay that route's. The two must take the same parameters:
`install` checks that they do and otherwise leaves FastAPI's route to answer alone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from urllib.parse import parse_qsl

from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Message, Receive, Scope, Send

from spinewise.assessor import Assessor
from spinewise.model import Presentation

__all__ = ["PATH", "install"]

logger = logging.getLogger("spinewise.api")

PATH = "/api/v1/assess"
REFERENCE = b"x-spinewise-reference"
#: The REST route's parameters (rest.py) that this route takes over.
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


def install(app: FastAPI, policies: frozenset[str], default_policy: str) -> bool:
    """Put the lean route in front of the REST route, if that route still takes exactly the
    parameters handled here; returns whether it did."""
    rest = next(
        (r for r in _api_routes(app.router.routes) if r.path == PATH and r.methods == {"POST"}),
        None,
    )
    if rest is None or _shape(rest) != {**EXPECTED, "path": [], "cookie": []}:
        logger.warning("the lean route for %s is off: the REST route's parameters changed", PATH)
        return False
    max_reference = next(
        (m.max_length for m in rest.dependant.header_params[0].field_info.metadata
         if hasattr(m, "max_length")),
        None,
    )  # fmt: skip
    lean = LeanRoute(
        PATH,
        endpoint=LeanAssess(rest, policies, default_policy, max_reference or 0),
        methods=["POST"],
        include_in_schema=False,
    )
    app.router.routes.insert(0, lean)
    return True


HANDED_OVER = "spinewise.lean_route_declined"


class LeanRoute(Route):
    """Matches as a Route does, except for a request it has handed over."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope.get(HANDED_OVER):
            return Match.NONE, {}
        return super().matches(scope)


class LeanAssess:
    """The ASGI app of the lean route (see the module docstring)."""

    def __init__(
        self, rest: APIRoute, policies: frozenset[str], default_policy: str, max_reference: int
    ) -> None:
        self.rest = rest
        self.policies = policies
        self.default_policy = default_policy
        self.max_reference = max_reference

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        chunks = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        service: Assessor = scope["app"].state.service
        answer = self._plain(scope, body, service)
        if answer is None:
            await self._hand_over(scope, receive, send, body)
            return
        presentation, policy, reference = answer
        scope["route"] = self.rest  # for the metrics and the access log: the same template
        result = await service.assess(presentation, policy, channel="api", reference=reference)
        out = result.model_dump_json().encode()
        await send({
            "type": "http.response.start",
            "status": 200,
            "headers": [*JSON, (b"content-length", str(len(out)).encode())],
        })  # fmt: skip
        await send({"type": "http.response.body", "body": out})

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

    async def _hand_over(self, scope: Scope, receive: Receive, send: Send, body: bytes) -> None:
        """To the REST route, with the body that was already read."""
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        # Routed again, past this route, so that FastAPI's route answers with everything it
        # adds around itself.
        scope[HANDED_OVER] = True
        await scope["app"].router(scope, replay, send)
