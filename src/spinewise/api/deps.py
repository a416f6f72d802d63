"""Typed dependencies shared by the routers. Async on purpose: FastAPI runs a plain `def`
dependency in a worker thread, two thread hops per request for a dictionary lookup."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from spinewise.assessor import Assessor


async def get_assessor(request: Request) -> Assessor:
    service: Assessor = request.app.state.service
    return service


AssessorDep = Annotated[Assessor, Depends(get_assessor)]
