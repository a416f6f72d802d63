"""What the EHR-facing routers (CDS Hooks, SMART launch) share for the life of the app: one
outbound HTTP client (capped responses, no redirects), the token replay store and the SMART
session store, opened on first use and closed when the app stops."""

from __future__ import annotations

import httpx

from spinewise.cds.auth import LEEWAY_SECONDS
from spinewise.cds.replay import ReplayCache
from spinewise.outbound import Limits, capped_client
from spinewise.settings import Settings
from spinewise.smart.sessions import SessionStore

__all__ = ["EhrRuntime"]


class EhrRuntime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.limits = Limits(settings.outbound_deadline_seconds, settings.outbound_max_bytes)
        self.replay = ReplayCache(settings.replay_path, leeway=LEEWAY_SECONDS)
        self.sessions = SessionStore(
            settings.smart_sessions_path, minutes=settings.smart_session_minutes
        )
        self._http: httpx.AsyncClient | None = None

    def http(self) -> httpx.AsyncClient:
        """The shared outbound client (created in the app's event loop on first use)."""
        if self._http is None:
            self._http = capped_client(self.limits)
        return self._http

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None
        self.replay.close()
        self.sessions.close()
