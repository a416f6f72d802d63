"""The `jti` of every accepted CDS Hooks token, kept in a small SQLite file beside the decision
log until the token expires: a replayed token is refused, after a restart too, and by every
worker process of one deployment.

WAL with `synchronous=OFF`: a commit is in the operating system's hands at once, so it
survives the process (a crash, a restart) and no call waits on a disk flush, not even at a
checkpoint; only a power loss could lose the last few, whose tokens expire within 5 minutes.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

__all__ = ["ReplayCache", "open_private_sqlite"]

#: Expired rows are swept once per this many accepted tokens.
SWEEP_EVERY = 256


def open_private_sqlite(path: Path, *, synchronous: str = "NORMAL") -> sqlite3.Connection:
    """A SQLite file only its owner can read (0600), in autocommit mode, WAL."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Created 0600 before SQLite opens it: tokens and session ids never sit world-readable.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA synchronous={synchronous}")
    return connection


class ReplayCache:
    """`remember(iss, jti, exp)` is True the first time, False for a replay."""

    def __init__(self, path: Path, *, leeway: float) -> None:
        self.path = path
        self.leeway = leeway
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._count = 0

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = open_private_sqlite(self.path, synchronous="OFF")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS seen (iss TEXT NOT NULL, jti TEXT NOT NULL, "
                "exp REAL NOT NULL, PRIMARY KEY (iss, jti)) WITHOUT ROWID"
            )
        return self._db

    def remember(self, iss: str, jti: str, exp: float, now: float) -> bool:
        with self._lock:
            db = self._connection()
            self._count += 1
            if self._count % SWEEP_EVERY == 1:
                # A replay of an expired token fails on `exp` anyway: forget it.
                db.execute("DELETE FROM seen WHERE exp < ?", (now - self.leeway,))
            try:
                db.execute("INSERT INTO seen (iss, jti, exp) VALUES (?, ?, ?)", (iss, jti, exp))
            except sqlite3.IntegrityError:
                return False
            return True

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
