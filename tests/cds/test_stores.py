"""The small SQLite stores beside the decision log: SMART sessions expire (and their tokens with
them); token ids are remembered until their tokens expire; both files are private (0600)."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinewise.cds.replay import ReplayCache
from spinewise.smart.sessions import SessionStore


def test_a_session_and_its_token_expire(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1_000_000.0]
    monkeypatch.setattr("spinewise.smart.sessions.time.time", lambda: now[0])
    store = SessionStore(tmp_path / "s.sqlite3", minutes=30)
    session_id = store.create({"access_token": "secret-token"})
    assert store.get(session_id) == {"access_token": "secret-token"}
    assert store.get("another id") is None
    now[0] += 30 * 60 + 1
    assert store.get(session_id) is None
    store.create({})  # creating a session sweeps the expired ones: the token is gone from disk
    store.close()
    assert b"secret-token" not in (tmp_path / "s.sqlite3").read_bytes()
    assert (tmp_path / "s.sqlite3").stat().st_mode & 0o777 == 0o600
    assert session_id.encode() not in (tmp_path / "s.sqlite3").read_bytes()  # only its hash


def test_a_token_id_is_remembered_until_its_token_expires(tmp_path: Path) -> None:
    cache = ReplayCache(tmp_path / "r.sqlite3", leeway=60)
    assert cache.remember("iss", "jti-1", exp=1000.0, now=900.0)
    assert not cache.remember("iss", "jti-1", exp=1000.0, now=950.0)
    assert cache.remember("other-iss", "jti-1", exp=1000.0, now=950.0)
    cache.close()
    reopened = ReplayCache(tmp_path / "r.sqlite3", leeway=60)
    assert not reopened.remember("iss", "jti-1", exp=1000.0, now=990.0)
    reopened.close()
