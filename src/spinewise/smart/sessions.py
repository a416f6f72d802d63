"""Server-side SMART sessions: the browser holds only a random session id (an HttpOnly,
SameSite cookie); the launch state, the PKCE verifier and the access token stay here, in a
SQLite file only the service's user can read (0600), and are deleted when the session expires.
Rows are keyed by a hash of the session id, so the file alone does not open a session.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from pathlib import Path
from typing import Any

from spinewise.cds.replay import open_private_sqlite

__all__ = ["SessionStore"]


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class SessionStore:
    def __init__(self, path: Path, *, minutes: int) -> None:
        self.path = path
        self.lifetime = minutes * 60
        self._db: Any = None
        self._lock = threading.Lock()

    def _connection(self) -> Any:
        if self._db is None:
            self._db = open_private_sqlite(self.path)
            # A deleted session's token is overwritten on disk, not left in a free page.
            self._db.execute("PRAGMA secure_delete=ON")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS sessions (key TEXT PRIMARY KEY, expires REAL NOT "
                "NULL, data TEXT NOT NULL) WITHOUT ROWID"
            )
        return self._db

    def create(self, data: dict[str, Any]) -> str:
        """A new session holding `data`; returns the id for the cookie."""
        session_id = secrets.token_urlsafe(32)
        with self._lock:
            db = self._connection()
            now = time.time()
            db.execute("DELETE FROM sessions WHERE expires < ?", (now,))
            db.execute(
                "INSERT INTO sessions (key, expires, data) VALUES (?, ?, ?)",
                (_key(session_id), now + self.lifetime, json.dumps(data)),
            )
        return session_id

    def get(self, session_id: str | None) -> dict[str, Any] | None:
        if not session_id:
            return None
        with self._lock:
            row = (
                self._connection()
                .execute(
                    "SELECT data FROM sessions WHERE key = ? AND expires >= ?",
                    (_key(session_id), time.time()),
                )
                .fetchone()
            )
        return dict(json.loads(row[0])) if row else None

    def update(self, session_id: str, data: dict[str, Any]) -> None:
        with self._lock:
            self._connection().execute(
                "UPDATE sessions SET data = ? WHERE key = ?", (json.dumps(data), _key(session_id))
            )

    def delete(self, session_id: str) -> None:
        with self._lock:
            self._connection().execute("DELETE FROM sessions WHERE key = ?", (_key(session_id),))

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
