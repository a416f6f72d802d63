"""Typed dependencies shared by the routers. Async on purpose: FastAPI runs a plain `def`
dependency in a worker thread, two thread hops per request for a dictionary lookup."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from spinewise.service import Service


async def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]
