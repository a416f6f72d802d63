"""Validation errors in plain words: each bad field named, never a stack trace."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

__all__ = ["field_errors", "validation_error_handler"]


PARTS = ("body", "query", "header", "path")


def field_errors(errors: Sequence[Any], *, drop: tuple[str, ...] = PARTS) -> list[dict[str, Any]]:
    """`[{"field": "findings.fevr", "message": "unknown finding id 'fevr' ...", ...}]`."""
    out = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in drop:
            loc = loc[1:]
        field = ".".join(loc) or "(body)"
        message = str(error.get("msg", "invalid"))
        if error.get("type") == "json_invalid":
            position = f" at character {loc[0]}" if loc else ""
            field = "(body)"
            message = f"not valid JSON{position}: {error.get('ctx', {}).get('error', message)}"
        elif error.get("type") == "missing" and loc == []:
            message = "a JSON body is required"
        # `loc`, `msg` and `type` keep FastAPI's documented 422 shape; `field` and `message`
        # say the same in plain words.
        out.append(
            {
                "field": field,
                "message": message,
                "loc": error.get("loc", []),
                "msg": message,
                "type": error.get("type"),
            }
        )
    return out


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = field_errors(exc.errors())
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return JSONResponse(
        status_code=422, content={"detail": problems, "message": f"invalid input: {summary}"}
    )
