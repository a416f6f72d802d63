"""A listening socket of each worker's own, for `spinewise serve --workers N`.

uvicorn's supervisor binds one socket and every worker accepts from it; the kernel then wakes
whichever worker is idle first, and under a burst of new keep-alive connections one worker can
take most or all of them (measured in docs/performance.md) while the other idles. With
SO_REUSEPORT each worker listens on a socket of its own bound to the same address, and the
kernel spreads new connections over them by a hash of each connection's addresses.
"""

from __future__ import annotations

import socket
import sys
from typing import Any


class PerWorkerSocket(socket.socket):
    """The supervisor's socket: bound with SO_REUSEPORT (so the address is taken and a wrong
    host or a port in use is refused before any worker starts) but never listening, so the
    kernel never hands it a connection. Pickled into a worker, it becomes that worker's own
    socket bound to the same address (uvicorn's server then listens on it)."""

    @classmethod
    def bind_to(cls, host: str, port: int) -> PerWorkerSocket:
        """Bind the supervisor's socket (port 0 picks a free port for all the workers)."""
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # A first bind without SO_REUSEPORT, so that an address another server holds (another
        # `spinewise serve` included, which would otherwise share it silently) is refused.
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
            port = probe.getsockname()[1]
        sock = cls(family, socket.SOCK_STREAM)
        _reuse(sock)
        sock.bind((host, port))
        return sock

    def __reduce__(self) -> tuple[Any, ...]:
        # Called by multiprocessing's spawn when it hands the supervisor's arguments to a
        # worker; the worker unpickles a new socket rather than a duplicate of this one.
        return (_worker_socket, (self.family, self.getsockname()[:2]))


def _reuse(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)


def _worker_socket(family: int, address: tuple[str, int]) -> socket.socket:
    """A worker's own socket on the supervisor's address."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    _reuse(sock)
    sock.bind(address)
    sock.set_inheritable(True)
    return sock


def spreads_connections() -> bool:
    """Does SO_REUSEPORT spread connections over listeners here (Linux 3.9 and later)?
    Elsewhere it means something else or nothing, and the workers share uvicorn's socket."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")
