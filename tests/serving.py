"""Helpers for tests that start a server on loopback."""

from __future__ import annotations

import socket
import subprocess
import time

import httpx


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_ready(
    url: str, server: subprocess.Popen[str] | subprocess.Popen[bytes], seconds: float = 30
) -> None:
    """Until `GET {url}/readyz` answers 200; fails if the server stops or the time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "spinewise serve stopped"
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("spinewise serve did not get ready")
