"""The decision log: every assessment made through the service, appended to a database and
chained with a keyed hash so that an edit or a deletion is detectable.

A row holds the time, the channel, the policy and rulebook version, the inputs, the decision
and a random id; never a name or other identifier of the patient. A caller-supplied reference is
stored only as a keyed hash (HMAC-SHA256), so rows of one patient can be linked by whoever holds
the key, and by nobody else. Each row's hash is an HMAC, under a key derived from the log's
key, of its content and the previous row's hash: someone who can write the database but does
not hold the key can neither edit a row nor recompute the chain after an edit without `verify`
seeing it. (Whoever holds the key can; keep it apart from the database, 0600.)

Two stores behind one small interface: a SQLite file (one host; the default) and PostgreSQL
(`postgresql://…`, several hosts). On both, appends from any number of threads and processes
are serialised where the chain head is read: SQLite's `BEGIN IMMEDIATE` (behind a lock file,
so that waiting processes wake when it is free instead of polling), PostgreSQL's transaction
advisory lock; the head is read inside that transaction, so the chain never forks. A row is
durable before `append` returns: the batch is committed under the lock and flushed to disk
right after it is let go (SQLite: the WAL fsynced; PostgreSQL: a commit that waits for the WAL
flush), so that another process commits while this one flushes. Appends from many requests at
once are committed together (group commit), so the log does not cap throughput at one disk
flush per request: on SQLite, an event loop's appends are committed on the loop and flushed by
a small process of the log's own (`_flusher.py`); every other append, and every append to
PostgreSQL, by one writer thread per process.

What the chain cannot show on its own is the loss of the newest rows; `verify` prints the count
and the head hash so that they can be recorded elsewhere and compared.
"""

from __future__ import annotations

import asyncio
import csv
import fcntl
import hashlib
import hmac
import json
import logging
import os
import queue
import secrets
import sqlite3
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol, cast
from urllib.parse import urlsplit, urlunsplit

from spinewise.durable import fsync_path

if TYPE_CHECKING:
    import psycopg
    from psycopg import pq

    from spinewise.settings import Settings

__all__ = [
    "GENESIS",
    "DecisionLog",
    "LogEntry",
    "LogError",
    "LogKeyError",
    "VerifyResult",
    "is_postgres_url",
    "redact_url",
]

GENESIS = "0" * 64
#: The columns a row hash covers, in order.
HASHED = (
    "seq",
    "entry_id",
    "recorded_at",
    "kind",
    "channel",
    "policy",
    "rulebook_version",
    "inputs",
    "decision",
    "urgency",
    "reference_hash",
    "details",
    "prev_hash",
)
COLUMNS = (*HASHED, "row_hash")
#: `meta` rows: the chain's scheme, and an id of the key (an HMAC, not the key) so that a log
#: is never appended to with a different key.
CHAIN_SCHEME = "hmac-sha256/1"


def _schema(seq_type: str) -> str:
    # The same tables on both stores. inputs/details are the canonical JSON text that is hashed
    # (a JSON column type would re-serialise it).
    return f"""
CREATE TABLE IF NOT EXISTS entries (
    seq {seq_type} PRIMARY KEY,
    entry_id TEXT NOT NULL UNIQUE,
    recorded_at TEXT NOT NULL,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    policy TEXT,
    rulebook_version TEXT,
    inputs TEXT,
    decision TEXT,
    urgency TEXT,
    reference_hash TEXT,
    details TEXT,
    prev_hash TEXT NOT NULL,
    row_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class LogError(RuntimeError):
    """The decision log cannot be opened, read or written (one line; never a password)."""


class LogFlushError(LogError):
    """A flush of the log failed: what was committed since the last good one may not be on
    disk, and a later flush cannot tell (the system reports a write error once). The log
    takes no more rows until it is opened again."""


class LogKeyError(LogError):
    """The key given is not the key the log was written with, or there is none."""


#: `json.dumps` with these options builds an encoder on every call, which cost as much as
#: encoding an assessment's inputs; one encoder serves every call (it keeps no state).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical(value: Any) -> str:
    """JSON with sorted keys and no spaces: the same content always hashes the same."""
    return _CANONICAL.encode(value)


def chain_key(key: bytes) -> bytes:
    """The key of the row hashes, derived from the log's key (which also hashes references)."""
    return hmac.new(key, b"spinewise decision log chain", hashlib.sha256).digest()


def key_id(key: bytes) -> str:
    """Names a key without revealing it (stored in `meta`)."""
    return hmac.new(key, b"spinewise decision log key id", hashlib.sha256).hexdigest()[:32]


def row_hash(row: Mapping[str, Any], chained_by: bytes) -> str:
    """HMAC-SHA256 under `chained_by` (see `chain_key`) of a row's hashed columns."""
    content = canonical([row[c] for c in HASHED]).encode()
    return hmac.new(chained_by, content, hashlib.sha256).hexdigest()


def is_postgres_url(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def redact_url(url: str) -> str:
    """A URL fit for a message or a log line: the password replaced by `***`."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


def _chain(rows: list[dict[str, Any]], seq: int, prev: str, chained_by: bytes) -> None:
    for row in rows:
        seq += 1
        row["seq"], row["prev_hash"] = seq, prev
        row["row_hash"] = prev = row_hash(row, chained_by)


@dataclass(frozen=True)
class LogEntry:
    """One row of the decision log."""

    seq: int
    entry_id: str
    recorded_at: str
    kind: str
    channel: str
    policy: str | None
    rulebook_version: str | None
    inputs: str | None
    decision: str | None
    urgency: str | None
    reference_hash: str | None
    details: str | None
    prev_hash: str
    row_hash: str

    def as_dict(self) -> dict[str, Any]:
        return {c: getattr(self, c) for c in COLUMNS}


def _entry(row: dict[str, Any]) -> LogEntry:
    """`LogEntry(**row)` for a row that holds exactly its fields (a committed row), without
    the frozen dataclass's `__init__`: one `object.__setattr__` per field cost 3.5 us, as much
    per row as the writer spends on the row's metrics."""
    entry = object.__new__(LogEntry)
    entry.__dict__.update(row)
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    rows: int
    head: str
    problem: str | None = None


#: Who waits for a row: a thread (a concurrent future) or a coroutine (its loop and future).
_Waiter = Future[LogEntry] | tuple[asyncio.AbstractEventLoop, "asyncio.Future[LogEntry]"]
_Pending = tuple[dict[str, Any], _Waiter, float]


def _resolve(outcomes: list[tuple[_Waiter, LogEntry | BaseException]]) -> None:
    """Hand each waiter its row or the failure: threads directly, each event loop in one call
    (a call into a loop from another thread wakes it with a system call)."""
    loops: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[LogEntry], Any]]] = {}
    for waiter, outcome in outcomes:
        if isinstance(waiter, Future):
            if isinstance(outcome, BaseException):
                waiter.set_exception(outcome)
            else:
                waiter.set_result(outcome)
        else:
            loops.setdefault(waiter[0], []).append((waiter[1], outcome))
    for loop, waiting in loops.items():
        with suppress(RuntimeError):  # a loop closed meanwhile has no one waiting
            loop.call_soon_threadsafe(_settle, waiting)


def _as_log_error(exc: BaseException) -> LogError:
    """A failure as the log hands it to whoever waits for a row."""
    return exc if isinstance(exc, LogError) else LogError(f"decision log: {exc!r}")


def _settle(waiting: list[tuple[asyncio.Future[LogEntry], Any]]) -> None:
    for future, outcome in waiting:
        if future.done():  # the request was cancelled (the client went away)
            continue
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


class _Ids:
    """Time-ordered UUIDs (version 7, RFC 9562): the Unix time in milliseconds, then 74 bits
    from the system's CSPRNG, read for 256 ids at a time (one system call instead of one per
    row). An id names a logged assessment's handout, so it must not be guessable: the 74
    random bits see to that. Time first, so that a new row's id lands at the end of the
    log's unique index of ids rather than on a random page of it (random ids dirtied an
    index page, and wrote it to the WAL, per row)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool = b""
        self._used = 0
        self._pid = os.getpid()

    def next(self) -> str:
        with self._lock:
            if self._used == len(self._pool) or self._pid != os.getpid():  # a forked child
                self._pool, self._used, self._pid = os.urandom(10 * 256), 0, os.getpid()
            chunk = self._pool[self._used : self._used + 10]
            self._used += 10
        # 48 bits of milliseconds, big-endian (RFC 9562's unix_ts_ms), then the version (7)
        # and variant (RFC 4122) bits set over the random bytes, then the 8-4-4-4-12 hex
        # groups, as str(uuid.UUID(...)) writes them.
        ms = time.time_ns() // 1_000_000
        b = bytearray(chunk)
        b[0] = b[0] & 0x0F | 0x70
        b[2] = b[2] & 0x3F | 0x80
        h = b.hex()
        t = f"{ms & 0xFFFF_FFFF_FFFF:012x}"
        return f"{t[:8]}-{t[8:]}-{h[:4]}-{h[4:8]}-{h[8:]}"


_ids = _Ids()


class _Clock:
    """The time a row is recorded, as `datetime.now(UTC).isoformat(timespec="microseconds")`
    writes it ('2026-12-02T19:30:00.123456+00:00'), with the date and time of day formatted
    once a second rather than once a row (a third of the cost of a row's fields)."""

    def __init__(self) -> None:
        self._last: tuple[int, str] = (-1, "")  # one object: threads read both or neither

    def now(self) -> str:
        second, fraction = divmod(time.time_ns() // 1000, 1_000_000)
        last_second, prefix = self._last
        if second != last_second:
            prefix = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
            self._last = (second, prefix)
        return f"{prefix}.{fraction:06d}+00:00"


_clock = _Clock()


# --- the stores ---------------------------------------------------------------------------------


class Store(Protocol):
    """Where rows live. `append` numbers, chains and commits a batch in one transaction,
    serialised against every other writer (thread, process or host) of the same log."""

    where: str

    def append(self, rows: list[dict[str, Any]], chained_by: bytes) -> None: ...
    def rows(self) -> Iterator[dict[str, Any]]: ...
    def get(self, entry_id: str) -> dict[str, Any] | None: ...
    def find(self, kind: str, details_key: str) -> dict[str, Any] | None: ...
    def meta(self, name: str) -> str | None: ...
    def put_meta(self, name: str, value: str) -> str: ...
    def is_empty(self) -> bool: ...
    def check_writable(self) -> None: ...
    def close(self) -> None: ...


_SELECT = f"SELECT {', '.join(COLUMNS)} FROM entries"


#: fsync without the file's times where the system has it (see `SqliteStore.append`).
_flush = getattr(os, "fdatasync", os.fsync)


class SqliteStore:
    """One SQLite file, private to its owner (0600, and so its WAL)."""

    #: Commits between two checkpoints of the WAL into the database (by this process). A
    #: checkpoint's writes and flush of the database slow the flushes of concurrent commits
    #: (tens of ms, measured), so they are few and large (about 16 MB of WAL at 16 rows a
    #: commit) rather than many and small.
    CHECKPOINT_EVERY = 1000
    #: Below this much free space on the log's disk, the service is not ready.
    MIN_FREE_BYTES = 16 * 1024 * 1024

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            _private_file(path)
            lock = path.with_name(path.name + ".lock")
            self._lock_fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise LogError(f"decision log {path}: {exc.strerror or exc}") from None
        self._wal_fd: int | None = None
        self._commits = 0
        try:
            self._writer = self._connect()
            self._writer.executescript(_schema("INTEGER"))
            self._reader = self._connect()
            if self._writer.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                # The writer commits without a flush and flushes the WAL itself once the lock
                # is free (see `append`); the WAL lives as long as a connection is open.
                self._writer.execute("PRAGMA synchronous=NORMAL")
                # Checkpoints run after the flush, outside the lock (see `append`), rather
                # than inside the commit that crosses SQLite's threshold, under the lock.
                self._writer.execute("PRAGMA wal_autocheckpoint=0")
                wal = path.with_name(path.name + "-wal")
                self._wal_fd = os.open(wal, os.O_RDWR | os.O_CREAT, 0o600)
                fsync_path(path.parent)
        except (sqlite3.Error, OSError) as exc:
            os.close(self._lock_fd)
            raise LogError(f"decision log {path}: {exc}") from None
        self._read_lock = threading.Lock()
        self._commit_lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE below).
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")  # where the file system allows it
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA busy_timeout=10000")
        return db

    def append(self, rows: list[dict[str, Any]], chained_by: bytes) -> None:
        self.commit(rows, chained_by)
        self.flush()

    def commit(self, rows: list[dict[str, Any]], chained_by: bytes, *, wait: bool = True) -> bool:
        """Chain and commit rows, without waiting for the disk: durable once `flush` (or the
        log's flusher process, see `wal`) has returned. With `wait=False`, commit only if no
        one holds the log's locks now, and say whether it did (for an event loop)."""
        db = self._writer
        # Processes queue on the lock file (woken by the kernel when it is free; SQLite's own
        # busy wait sleeps up to 100 ms at a time). BEGIN IMMEDIATE then takes SQLite's write
        # lock, which also holds off writers that do not use the lock file, before the head is
        # read: no two writers can chain onto the same head.
        #
        # The commit itself does not wait for the disk (synchronous=NORMAL): the WAL is flushed
        # after the lock is let go, so the next writer (another process) commits while this
        # one's flush runs, and one flush makes every frame written before it durable, the
        # other process's too. A checkpoint in between has flushed the WAL and the database
        # itself (SQLite does so in WAL mode).
        # The writer thread and an event loop share the connection.
        if not self._commit_lock.acquire(blocking=wait):
            return False
        try:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            try:
                db.execute("BEGIN IMMEDIATE")
                last = db.execute("SELECT seq, row_hash FROM entries ORDER BY seq DESC LIMIT 1")
                head = last.fetchone()
                seq, prev = (head["seq"], head["row_hash"]) if head else (0, GENESIS)
                _chain(rows, seq, prev, chained_by)
                db.executemany(
                    f"INSERT INTO entries ({', '.join(COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(COLUMNS))})",
                    [[row[c] for c in COLUMNS] for row in rows],
                )
                db.execute("COMMIT")
            except BaseException as exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise LogError(f"decision log {self.where}: {exc}") from None
                raise
            finally:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            self._commits += 1
            return True
        finally:
            self._commit_lock.release()

    @property
    def wal(self) -> Path | None:
        """The WAL that `flush` makes durable (None when SQLite could not use one: then every
        commit is durable on its own)."""
        return self.path.with_name(self.path.name + "-wal") if self._wal_fd is not None else None

    def checkpoint_due(self) -> bool:
        """Whether the commits since the last checkpoint call for one (after their flush)."""
        return self._commits >= self.CHECKPOINT_EVERY

    def checkpoint_done(self) -> None:
        self._commits = 0

    def flush(self) -> None:
        """Make every commit so far durable (see `commit`)."""
        if self._wal_fd is None:
            return
        try:
            # The frames' data and the file's length, not its times: what SQLite's own syncs
            # do where the system has fdatasync (Linux).
            _flush(self._wal_fd)
        except OSError as exc:
            raise LogFlushError(f"decision log {self.where}: flush failed: {exc}") from None
        if self.checkpoint_due():
            with self._commit_lock:
                self.checkpoint_done()
                # PASSIVE: copies what it can into the database without waiting for, or
                # holding up, readers and other writers.
                with suppress(sqlite3.Error):
                    self._writer.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def rows(self) -> Iterator[dict[str, Any]]:
        # Its own connection: a long export holds no lock that requests wait for.
        db = self._connect()
        try:
            for row in db.execute(f"{_SELECT} ORDER BY seq"):
                yield dict(row)
        finally:
            db.close()

    def _one(self, sql: str, args: tuple[Any, ...]) -> dict[str, Any] | None:
        with self._read_lock:
            try:
                row = self._reader.execute(sql, args).fetchone()
            except sqlite3.Error as exc:
                raise LogError(f"decision log {self.where}: {exc}") from None
        return dict(row) if row else None

    def get(self, entry_id: str) -> dict[str, Any] | None:
        return self._one(f"{_SELECT} WHERE entry_id = ?", (entry_id,))

    def find(self, kind: str, details_key: str) -> dict[str, Any] | None:
        return self._one(
            f"{_SELECT} WHERE kind = ? AND json_extract(details, '$.key') = ?", (kind, details_key)
        )

    def meta(self, name: str) -> str | None:
        row = self._one("SELECT value FROM meta WHERE name = ?", (name,))
        return row["value"] if row else None

    def put_meta(self, name: str, value: str) -> str:
        stored = self.meta(name)
        if stored is not None:
            return stored
        self._one(
            "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
            (name, value),
        )
        stored = self.meta(name)
        assert stored is not None
        return stored

    def is_empty(self) -> bool:
        return self._one("SELECT 1 AS one FROM entries LIMIT 1", ()) is None

    def check_writable(self) -> None:
        # Room on the disk, then the write lock taken and let go: the file opens for writing
        # and no one holds the lock for longer than the wait.
        try:
            disk = os.statvfs(self.path.parent)
        except OSError as exc:
            raise LogError(f"decision log {self.where}: {exc.strerror or exc}") from None
        if disk.f_bavail * disk.f_frsize < self.MIN_FREE_BYTES:
            raise LogError(f"decision log {self.where}: less than 16 MiB free on its disk")
        db = sqlite3.connect(self.path, isolation_level=None, timeout=1.0)
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("ROLLBACK")
        except sqlite3.Error as exc:
            raise LogError(f"decision log {self.where}: not writable: {exc}") from None
        finally:
            db.close()

    def close(self) -> None:
        self._writer.close()
        self._reader.close()
        if self._wal_fd is not None:  # after SQLite's own connections, which may remove it
            os.close(self._wal_fd)
        os.close(self._lock_fd)


def _private_file(path: Path) -> None:
    """Create the file 0600, or take group and other permissions off an existing one. SQLite
    gives its WAL and shared-memory files the database file's permissions."""
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        with suppress(PermissionError):
            path.chmod(mode & 0o700)


class PostgresStore:
    """A PostgreSQL database shared by every host of a deployment."""

    #: The transaction advisory lock that serialises appends (any fixed number).
    LOCK = 0x5350494E  # "SPIN"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError:
            raise LogError(
                "SPINEWISE_LOG_URL: PostgreSQL needs psycopg: pip install 'spinewise[serve]'"
            ) from None
        self._psycopg = psycopg
        self.url = url
        self.where = redact_url(url)
        self._appender: _PgAppender | None = None
        self._reader: psycopg.Connection[Any] | None = None
        self._read_lock = threading.Lock()
        with self._connection() as db, db.transaction():
            # Two workers starting at once would race on CREATE TABLE IF NOT EXISTS.
            db.execute("SELECT pg_advisory_xact_lock(%s)", (self.LOCK,))
            for statement in _schema("BIGINT").split(";"):
                if statement.strip():
                    db.execute(statement)

    def _connection(self, *, autocommit: bool = False) -> psycopg.Connection[Any]:
        from psycopg.rows import dict_row

        try:
            return self._psycopg.connect(
                self.url,
                autocommit=autocommit,
                row_factory=dict_row,
                connect_timeout=5,
                # A hung server fails the request after a bound, rather than holding it.
                options="-c statement_timeout=15000",
                application_name="spinewise",
                client_encoding="utf-8",  # what `_PgAppender` encodes its text in
            )
        except self._psycopg.Error as exc:
            raise LogError(
                f"decision log {self.where}: cannot connect: {_pg_message(exc)}"
            ) from None

    def append(self, rows: list[dict[str, Any]], chained_by: bytes) -> None:
        if self._appender is None:
            # Autocommit: the transactions are written out in the messages (`_PgAppender`).
            self._appender = _PgAppender(self._connection(autocommit=True), self.LOCK)
        try:
            self._appender.append(rows, chained_by)
        except BaseException as exc:
            # Whatever failed, the transaction (and the lock) may be open on that connection.
            self._drop_appender()
            if isinstance(exc, self._psycopg.Error):
                raise LogError(f"decision log {self.where}: {_pg_message(exc)}") from None
            raise

    def _drop_appender(self) -> None:
        if self._appender is not None:
            self._appender.db.close()
            self._appender = None

    def rows(self) -> Iterator[dict[str, Any]]:
        # A server-side cursor: an export of millions of rows streams.
        with (
            self._connection() as db,
            db.transaction(),
            db.cursor(name="spinewise_rows") as cursor,
        ):
            cursor.execute(f"{_SELECT} ORDER BY seq")
            yield from cursor

    def _one(self, sql: str, args: tuple[Any, ...]) -> dict[str, Any] | None:
        with self._read_lock:
            if self._reader is None or self._reader.closed:
                self._reader = self._connection(autocommit=True)
            try:
                row: dict[str, Any] | None = self._reader.execute(sql, args).fetchone()
            except self._psycopg.Error as exc:
                if self._reader.broken:
                    self._reader.close()
                raise LogError(f"decision log {self.where}: {_pg_message(exc)}") from None
        return row

    def get(self, entry_id: str) -> dict[str, Any] | None:
        return self._one(f"{_SELECT} WHERE entry_id = %s", (entry_id,))

    def find(self, kind: str, details_key: str) -> dict[str, Any] | None:
        return self._one(
            f"{_SELECT} WHERE kind = %s AND details::jsonb ->> 'key' = %s", (kind, details_key)
        )

    def meta(self, name: str) -> str | None:
        row = self._one("SELECT value FROM meta WHERE name = %s", (name,))
        return row["value"] if row else None

    def put_meta(self, name: str, value: str) -> str:
        stored = self.meta(name)
        if stored is not None:
            return stored
        self._one(
            "INSERT INTO meta (name, value) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING "
            "RETURNING value",
            (name, value),
        )
        stored = self.meta(name)
        assert stored is not None
        return stored

    def is_empty(self) -> bool:
        return self._one("SELECT 1 AS one FROM entries LIMIT 1", ()) is None

    def check_writable(self) -> None:
        # A read-write transaction on a primary, with the right to insert: what an append needs
        # short of appending (a health check must not add rows to the log).
        with self._connection() as db, db.transaction():
            try:
                row = db.execute(
                    "SELECT current_setting('transaction_read_only') = 'on' AS read_only, "
                    "has_table_privilege('entries', 'INSERT') AS may_insert"
                ).fetchone()
            except self._psycopg.Error as exc:
                raise LogError(f"decision log {self.where}: {_pg_message(exc)}") from None
        # A standby's transactions are read-only too.
        if row is None or row["read_only"] or not row["may_insert"]:
            raise LogError(f"decision log {self.where}: not writable (read-only, or no INSERT)")

    def close(self) -> None:
        self._drop_appender()
        if self._reader is not None:
            self._reader.close()


class _PgAppender:
    """The writer's connection, driven through psycopg's libpq wrapper (`psycopg.pq`): an
    append is three messages, each one blocking libpq call that lets go of the interpreter's
    lock once, with no per-statement state machine in Python (docs/performance.md: that was
    most of a row's CPU)."""

    #: Rows in one INSERT at most (PostgreSQL takes at most 65,535 parameters a statement).
    ROWS = 512
    #: Batches of up to this many rows get a prepared INSERT of their own size.
    PREPARED = 64

    def __init__(self, db: psycopg.Connection[Any], lock: int) -> None:
        import psycopg
        from psycopg import pq as libpq

        self.db = db
        self._pq = libpq
        self._error = psycopg.Error
        # As on SQLite, the commit under the lock does not wait for the disk; the flush comes
        # after the lock is let go. Separate statements in one message: each takes its own
        # snapshot, so the head is read after the lock is held.
        self._head = (
            "BEGIN; SET LOCAL synchronous_commit TO off; "
            f"SELECT pg_advisory_xact_lock({lock}); "
            "SELECT seq, row_hash FROM entries ORDER BY seq DESC LIMIT 1"
        ).encode()
        self._prepared: set[int] = set()

    def append(self, rows: list[dict[str, Any]], chained_by: bytes) -> None:
        pg = self.db.pgconn
        tuples = self._pq.ExecStatus.TUPLES_OK
        head = self._result(pg.exec_(self._head), tuples)
        if head.ntuples:
            seq, prev = int(head.get_value(0, 0) or 0), (head.get_value(0, 1) or b"").decode()
        else:
            seq, prev = 0, GENESIS
        _chain(rows, seq, prev, chained_by)
        for first in range(0, len(rows), self.ROWS):
            self._insert(rows[first : first + self.ROWS])
        # The second statement's transaction has a commit record, at the server's
        # synchronous_commit (standbys included): waiting for it covers every commit record
        # before it, this one's too. Appends from other workers and hosts commit meanwhile,
        # and the server flushes concurrent waits together.
        self._result(pg.exec_(b"COMMIT; SELECT pg_current_xact_id()"), tuples)

    def _insert(self, rows: list[dict[str, Any]]) -> None:
        values: list[bytes | None] = []
        for row in rows:
            for column in COLUMNS:
                value = row[column]
                if value is None:
                    values.append(None)
                    continue
                text = str(value)
                if "\x00" in text:  # text parameters end at a NUL: the row would be cut
                    raise self._error(f"{column}: PostgreSQL text cannot hold a NUL character")
                values.append(text.encode())
        pg, done = self.db.pgconn, self._pq.ExecStatus.COMMAND_OK
        count = len(rows)
        if count > self.PREPARED:
            self._result(pg.exec_params(_insert_sql(count), cast(list[bytes], values)), done)
            return
        name = b"spinewise_insert_%d" % count
        if count not in self._prepared:
            self._result(pg.prepare(name, _insert_sql(count)), done)
            self._prepared.add(count)
        # libpq takes None for NULL (the stubs say bytes only)
        self._result(pg.exec_prepared(name, cast(list[bytes], values)), done)

    def _result(self, result: pq.abc.PGresult, expected: pq.ExecStatus) -> pq.abc.PGresult:
        if result.status != expected:
            # The primary message only: a detail may quote the row's values.
            primary = result.error_field(self._pq.DiagnosticField.MESSAGE_PRIMARY)
            raise self._error(
                primary.decode(errors="replace")
                if primary
                else self._pq.ExecStatus(result.status).name
            )
        return result


@lru_cache(maxsize=_PgAppender.ROWS)
def _insert_sql(count: int) -> bytes:
    """An INSERT of `count` rows, in PostgreSQL's own placeholders ($1, ...), as libpq takes it."""
    width = len(COLUMNS)
    values = (
        "(" + ", ".join(f"${row * width + col + 1}" for col in range(width)) + ")"
        for row in range(count)
    )
    return f"INSERT INTO entries ({', '.join(COLUMNS)}) VALUES {', '.join(values)}".encode()


def _pg_message(exc: Exception) -> str:
    # psycopg's messages name the host and port, not the password; first line only.
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


# --- appends from an event loop (SQLite) -------------------------------------------------------

logger = logging.getLogger("spinewise.decision_log")

_FLUSHER = Path(__file__).with_name("_flusher.py")
#: A row waiting on the loop: the row, its future, when it was submitted.
_LoopPending = tuple[dict[str, Any], "asyncio.Future[LogEntry]", float]


class _LoopWriter:
    """Appends from one event loop to a SQLite log: committed on the loop itself (once per
    pass of the loop, for every row its requests made in that pass), made durable by a
    flusher process (`_flusher.py`), one flush at a time; rows committed while a flush runs
    go together into the next. A row's future resolves only after a flush that began after
    its commit. Why not the writer thread: each SQLite step of a commit there gives up the
    interpreter's lock and waits to take it back from the busy loop, and so does the flush
    (docs/performance.md).

    The loop never waits: when another writer holds the log's locks, the batch is tried again
    on the next passes and then handed to the writer thread, which waits for them off the
    loop; a flusher that dies leaves its rows to be flushed off the loop, and one that cannot
    start leaves the loop's appends to the writer thread for good. Used from the loop's own
    thread; `close` from any."""

    #: Seconds a batch may wait for a busy lock on the loop before the writer thread takes it.
    LOCK_PATIENCE = 0.002
    #: Seconds a flush may take before the rows that wait for it fail (and the flusher is
    #: replaced): a disk that slow is not one to answer on.
    FLUSH_DEADLINE = 10.0

    def __init__(
        self, log: DecisionLog, store: SqliteStore, loop: asyncio.AbstractEventLoop
    ) -> None:
        self.log, self.store, self.loop = log, store, loop
        self.closed = False
        #: The flusher could not be started or died before its first answer.
        self.unusable = False
        self._pending: list[_LoopPending] = []  # to commit, on the next pass
        self._committed: list[_LoopPending] = []  # committed, waiting for a flush to begin
        self._flushing: deque[list[_LoopPending]] = deque()  # one batch per flush asked for
        self._scheduled = False
        self._busy_since: float | None = None  # when the locks were first found busy
        self._flusher: subprocess.Popen[bytes] | None = None
        self._answered_once = False
        self._deadline: asyncio.TimerHandle | None = None

    def add(self, row: dict[str, Any]) -> asyncio.Future[LogEntry]:
        future: asyncio.Future[LogEntry] = self.loop.create_future()
        self._pending.append((row, future, time.perf_counter()))
        self._schedule()
        return future

    def _schedule(self) -> None:
        if not self._scheduled:
            self._scheduled = True
            self.loop.call_soon(self._commit)

    def _commit(self) -> None:
        self._scheduled = False
        batch = self._pending
        if not batch:
            return
        if self.log._failed is not None:
            self._pending = []
            _fail(batch, self.log._failed)
            return
        if self.closed or self.unusable:
            self._pending = []
            self._hand_over(batch)
            return
        try:
            committed = self.store.commit(
                [row for row, _, _ in batch], self.log._keys()[1], wait=False
            )
        except BaseException as exc:
            self._pending = []
            _fail(batch, exc)
            return
        if not committed:  # another writer holds the locks: never wait for them here
            now = time.monotonic()
            self._busy_since = self._busy_since or now
            if now - self._busy_since < self.LOCK_PATIENCE:
                self._schedule()  # the next pass, after the loop's other work
                return
            self._pending = []
            self._hand_over(batch)
            return
        self._pending, self._busy_since = [], None
        self._committed.extend(batch)
        if not self._flushing:
            self._ask()

    def _hand_over(self, batch: list[_LoopPending]) -> None:
        """To the writer thread, which commits and flushes off the loop."""
        self._busy_since = None
        try:
            for row, future, _ in batch:
                self.log._enqueue(row, (self.loop, future))
        except LogError as exc:  # closed meanwhile
            _fail(batch, exc)

    def _ask(self) -> None:
        """Ask the flusher for a flush of every row committed so far."""
        batch, self._committed = self._committed, []
        if self.closed:  # `close` flushes what it finds; these came after it looked
            self._flush_off_loop([batch])
            return
        try:
            flusher = self._start()
            checkpoint = self.store.checkpoint_due()
            os.write(flusher, b"c" if checkpoint else b"f")
        except Exception as exc:  # any failure to start or reach it
            logger.warning("decision log flusher unavailable: %s", type(exc).__name__)
            if not self._answered_once:
                self.unusable = True  # the writer thread takes the loop's appends
            self._stop()
            self._flush_off_loop([batch])
            return
        if checkpoint:
            self.store.checkpoint_done()
        self._flushing.append(batch)
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.FLUSH_DEADLINE, self._overdue)

    def _start(self) -> int:
        """The flusher's stdin, started if it is not running."""
        if self._flusher is None:
            self._flusher = subprocess.Popen(
                [
                    sys.executable,
                    "-I",
                    "-S",
                    str(_FLUSHER),
                    str(self.store.wal),
                    str(self.store.path),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            assert self._flusher.stdin is not None and self._flusher.stdout is not None
            os.set_blocking(self._flusher.stdout.fileno(), False)
            self.loop.add_reader(self._flusher.stdout.fileno(), self._answered)
        assert self._flusher.stdin is not None
        return self._flusher.stdin.fileno()

    def _answered(self) -> None:
        assert self._flusher is not None and self._flusher.stdout is not None
        try:
            answers = os.read(self._flusher.stdout.fileno(), 65536)
        except BlockingIOError:
            return
        except OSError:
            answers = b""
        self._disarm()
        for answer in answers:
            batch = self._flushing.popleft()
            if answer == ord("k"):
                self._answered_once = True
                self._answer(batch)
            else:
                failure = self.log._flush_failed(f"decision log {self.store.where}: flush failed")
                _fail(batch, failure)
        if not answers or answers.endswith(b"e"):  # the flusher stopped
            if not answers and not self._answered_once:
                self.unusable = True  # it never worked: the writer thread from now on
            self._stop()
            if self.log._failed is not None:  # a flush failed: so do the rows after it
                while self._flushing:
                    _fail(self._flushing.popleft(), self.log._failed)
            # Killed (a signal, the system's memory killer): what it was asked still needs
            # a flush, made off the loop.
            self._flush_off_loop(list(self._flushing))
            self._flushing.clear()
        if self._flushing and self._deadline is None:
            self._deadline = self.loop.call_later(self.FLUSH_DEADLINE, self._overdue)
        if self._committed and not self._flushing:
            self._ask()

    def _answer(self, batch: list[_LoopPending]) -> None:
        self.log._report([start for _, _, start in batch])
        _settle([(future, _entry(row)) for row, future, _ in batch])

    def _flush_off_loop(self, batches: list[list[_LoopPending]]) -> None:
        """Flush in a thread of the loop's executor, then answer these batches."""
        batches = [b for b in batches if b]
        if not batches:
            return

        def flushed(done: asyncio.Future[None]) -> None:
            exc = done.exception()
            failure = None if exc is None else self.log._failure(exc)
            for batch in batches:
                if failure is None:
                    self._answer(batch)
                else:
                    _fail(batch, failure)

        try:
            self.loop.run_in_executor(None, self.store.flush).add_done_callback(flushed)
        except RuntimeError:  # the loop's executor is shut down: flush here
            future: asyncio.Future[None] = self.loop.create_future()
            try:
                self.store.flush()
                future.set_result(None)
            except BaseException as exc:  # handed to the rows that wait
                future.set_exception(exc)
            flushed(future)

    def _overdue(self) -> None:
        """A flush past its deadline: its rows fail (never answered as recorded)."""
        self._deadline = None
        if not self._flushing:
            return
        failure = LogError(
            f"decision log {self.store.where}: a flush took over {self.FLUSH_DEADLINE:g} s"
        )
        logger.error("%s", failure)
        while self._flushing:
            _fail(self._flushing.popleft(), failure)
        self._stop(kill=True)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _stop(self, *, kill: bool = False) -> None:
        flusher, self._flusher = self._flusher, None
        if flusher is None:
            return
        assert flusher.stdin is not None and flusher.stdout is not None
        if not self.loop.is_closed():
            self.loop.remove_reader(flusher.stdout.fileno())
        with suppress(OSError):
            flusher.stdin.close()  # the flusher's end of input: it stops
        if kill:
            flusher.kill()
        try:
            flusher.wait(timeout=5)
        except subprocess.TimeoutExpired:
            flusher.kill()
            flusher.wait()
        flusher.stdout.close()

    def close(self) -> None:
        """Commit and flush here what is still waiting, answer it if the loop can still run,
        and stop the flusher: on the loop's thread, or from another while the loop runs."""
        try:
            here = asyncio.get_running_loop() is self.loop
        except RuntimeError:
            here = False
        if here or not self.loop.is_running():
            self._close()
            return
        done = threading.Event()

        def close_there() -> None:
            try:
                self._close()
            finally:
                done.set()

        try:
            self.loop.call_soon_threadsafe(close_there)
        except RuntimeError:  # the loop closed meanwhile
            self._close()
            return
        if not done.wait(30):
            logger.error("decision log: the loop did not close its writer in 30 s")

    def _close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self._disarm()
        waiting = [*self._pending, *self._committed, *(p for b in self._flushing for p in b)]
        self._pending, self._committed = [], []
        self._flushing.clear()
        self._stop()
        if not waiting:
            return
        outcomes: list[tuple[asyncio.Future[LogEntry], LogEntry | BaseException]] = []
        try:
            fresh = [row for row, _, _ in waiting if "row_hash" not in row]
            if fresh:
                self.store.commit(fresh, self.log._keys()[1])
            self.store.flush()
            outcomes = [(future, _entry(row)) for row, future, _ in waiting]
        except BaseException as exc:
            failure = _as_log_error(exc)
            outcomes = [(future, failure) for _, future, _ in waiting]
        if not self.loop.is_closed():
            with suppress(RuntimeError):  # a loop closed meanwhile has no one waiting
                self.loop.call_soon_threadsafe(_settle, outcomes)


def _fail(batch: list[_LoopPending], exc: BaseException) -> None:
    failure = _as_log_error(exc)
    _settle([(future, failure) for _, future, _ in batch])


# --- the log -----------------------------------------------------------------------------------


class DecisionLog:
    """Append-only log chained with a keyed hash, in a SQLite file or PostgreSQL (a
    `postgresql://` URL). Safe to share between threads, processes and (PostgreSQL) hosts.

    The key (32 bytes) is given, or read from `key_file`, or, for SQLite only, kept in a private
    file beside the database (made when the log is new). PostgreSQL needs it given: every host
    must hold the same key."""

    #: Most rows committed in one transaction.
    BATCH = 512
    #: Seconds the writer waits for more rows before a commit, when the last one was a group.
    #: Longer waits make larger groups (less CPU a row) but leave a worker idle while its
    #: connections wait: 0.3 ms answered the most assessments a second with two workers, on
    #: a quiet machine, against 0, 1 and 2 ms (docs/performance.md).
    LINGER = 0.0003

    def __init__(
        self, target: str | Path, key: bytes | None = None, *, key_file: Path | None = None
    ) -> None:
        self._store: Store
        if is_postgres_url(target):
            self._store = PostgresStore(str(target))
            self._default_key_file: Path | None = None
        else:
            path = Path(target)
            self._store = SqliteStore(path)
            self._default_key_file = path.with_name(path.name + ".key")
        self.where = self._store.where
        self._key = key
        self._key_file = key_file
        self._chain_key: bytes | None = None
        self._lock = threading.Lock()
        self._pending: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._closed = False
        self._closing = threading.Event()  # cuts the writer's sleep short (close)
        self._loop_writer: _LoopWriter | None = None
        self._failed: LogFlushError | None = None  # a flush failed: no more rows (LogFlushError)
        #: Called by the writer after each commit with the seconds each row waited from
        #: submit to commit (for metrics).
        self.on_commit: Callable[[list[float]], None] | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> DecisionLog:
        """The log that the settings name: `log_url` (PostgreSQL) or else `log_path`, with
        `log_key`, or `log_key_file`, or (SQLite) the key file beside the database."""
        key = settings.log_key.get_secret_value() if settings.log_key else None
        target = settings.log_url.get_secret_value() if settings.log_url else settings.log_path
        return cls(target, bytes.fromhex(key) if key else None, key_file=settings.log_key_file)

    def close(self) -> None:
        """Commit what is pending, stop the writer and close the database."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            writer = self._writer
        if writer is not None:
            self._closing.set()
            self._pending.put(None)
            writer.join()
        if self._loop_writer is not None:
            self._loop_writer.close()
        self._store.close()

    def __enter__(self) -> DecisionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the key --------------------------------------------------------------------------------

    @property
    def key(self) -> bytes:
        """The log's key, checked against the id of the key the log was written with."""
        return self._keys()[0]

    def _keys(self) -> tuple[bytes, bytes]:
        """The log's key and the chain's key derived from it (loaded and checked once)."""
        with self._lock:
            if self._key is None or self._chain_key is None:
                self._key = self._load_key()
                written_with = self._store.put_meta("key_id", key_id(self._key))
                if not hmac.compare_digest(written_with, key_id(self._key)):
                    raise LogKeyError(
                        f"decision log {self.where}: the key given is not the key this log "
                        "was written with (SPINEWISE_LOG_KEY or SPINEWISE_LOG_KEY_FILE)"
                    )
                scheme = self._store.put_meta("chain", CHAIN_SCHEME)
                if scheme != CHAIN_SCHEME:
                    raise LogError(f"decision log {self.where}: unknown chain scheme {scheme!r}")
                self._chain_key = chain_key(self._key)
            return self._key, self._chain_key

    def _load_key(self) -> bytes:
        if self._key is not None:
            return self._key
        key_file = self._key_file or self._default_key_file
        if key_file is None:
            raise LogKeyError(
                f"decision log {self.where}: PostgreSQL needs the log's key: set "
                "SPINEWISE_LOG_KEY or SPINEWISE_LOG_KEY_FILE (the same on every host)"
            )
        if not key_file.exists():
            if self._key_file is not None or self._store.meta("key_id") is not None:
                raise LogKeyError(f"decision log {self.where}: no key file {key_file}")
            if not self._store.is_empty():
                raise LogError(
                    f"decision log {self.where} was written without a keyed chain (by an "
                    "older spinewise): export it with `spinewise log export`, then start a new log"
                )
            _write_key_file(key_file)
        try:
            return bytes.fromhex(key_file.read_text().strip())
        except ValueError:
            raise LogKeyError(f"decision log key file {key_file}: not hex") from None

    def reference_hash(self, reference: str) -> str:
        return hmac.new(self.key, reference.encode(), hashlib.sha256).hexdigest()

    # --- writing --------------------------------------------------------------------------------

    def append(self, **fields: Any) -> LogEntry:
        """Append one row and return it once it is committed (see `submit` for the fields)."""
        return self.submit(**fields).result()

    async def append_async(self, **fields: Any) -> LogEntry:
        """`append` for the event loop: awaits the commit without blocking the loop. On
        SQLite, rows are committed on the loop and flushed by a process of their own
        (`_LoopWriter`); otherwise by the writer thread, which resolves a whole batch with
        one call into the loop, not one per row."""
        loop = asyncio.get_running_loop()
        row = self._row(**fields)
        writer = self._loop_writer_for(loop)
        if writer is not None:
            return await writer.add(row)
        waiter: asyncio.Future[LogEntry] = loop.create_future()
        self._enqueue(row, (loop, waiter))
        return await waiter

    def _loop_writer_for(self, loop: asyncio.AbstractEventLoop) -> _LoopWriter | None:
        """This loop's writer, if appends from it can be committed on it: SQLite with a WAL,
        and the first loop to append (until it closes). Others use the writer thread."""
        with self._lock:
            if self._closed:
                raise LogError(f"decision log {self.where} is closed")
            current = self._loop_writer
            if current is not None and current.unusable:
                return None  # no flusher can run here: the writer thread, for every loop
            if current is not None and current.loop is loop:
                return current
            if current is not None and not current.loop.is_closed():
                return None
            store = self._store
            if not isinstance(store, SqliteStore) or store.wal is None:
                return None  # no WAL to flush apart from the commit: the writer thread
            self._loop_writer = _LoopWriter(self, store, loop)
        if current is not None:
            current.close()  # its loop is gone: nothing of it is waiting to be answered
        return self._loop_writer

    def submit(self, **fields: Any) -> Future[LogEntry]:
        """Queue one row for the writer; the future resolves when the row is committed (or
        fails with `LogError` when it could not be). Fields: kind, channel (required); policy,
        rulebook_version, inputs (a mapping), decision, urgency, reference (hashed with the
        key), details (a mapping), entry_id (default: a new time-ordered, unguessable UUID)."""
        future: Future[LogEntry] = Future()
        self._enqueue(self._row(**fields), future)
        return future

    def _row(
        self,
        *,
        kind: str,
        channel: str,
        policy: str | None = None,
        rulebook_version: str | None = None,
        inputs: Mapping[str, Any] | None = None,
        decision: str | None = None,
        urgency: str | None = None,
        reference: str | None = None,
        details: Mapping[str, Any] | None = None,
        entry_id: str | None = None,
    ) -> dict[str, Any]:
        if self._failed is not None:
            raise self._failed
        self._keys()  # a missing or wrong key fails here, before anything is queued
        return {
            "entry_id": entry_id or _ids.next(),
            "recorded_at": _clock.now(),
            "kind": kind,
            "channel": channel,
            "policy": policy,
            "rulebook_version": rulebook_version,
            "inputs": canonical(inputs) if inputs is not None else None,
            "decision": decision,
            "urgency": urgency,
            "reference_hash": self.reference_hash(reference) if reference else None,
            "details": canonical(details) if details is not None else None,
        }

    def _enqueue(self, row: dict[str, Any], waiter: _Waiter) -> None:
        with self._lock:
            if self._closed:
                raise LogError(f"decision log {self.where} is closed")
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_loop, name="spinewise-decision-log", daemon=True
                )
                self._writer.start()
        self._pending.put((row, waiter, time.perf_counter()))

    def _write_loop(self) -> None:
        busy = False  # the last commit carried more than one row
        while True:
            item = self._pending.get()
            if item is None:
                return
            # Under load, wait a little for more rows: a commit's fixed cost (lock, flush)
            # is most of a row's cost in small batches (docs/performance.md). One request at
            # a time never waits. The wait is a sleep, then the queue is drained without
            # waiting: before Python 3.13, SimpleQueue.get(timeout=t) can block for good
            # when its thread is held up for longer than t inside the call (it goes on to
            # wait with a negative timeout, which means forever), and a batch whose every
            # request is waiting for it brings no new row to wake the writer. Seen under load:
            # a worker stopped answering with its rows stuck in the writer's batch.
            if busy:
                self._closing.wait(self.LINGER)
            batch = [item]
            stop = False
            while len(batch) < self.BATCH:
                try:
                    more = self._pending.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
            busy = len(batch) > 1
            self._commit(batch)
            if stop:
                return

    def _commit(self, batch: list[_Pending]) -> None:
        try:
            self._store.append([row for row, _, _ in batch], self._keys()[1])
        except BaseException as exc:
            failure = self._failure(exc)
            _resolve([(waiter, failure) for _, waiter, _ in batch])
            return
        self._report([start for _, _, start in batch])
        _resolve([(waiter, _entry(row)) for row, waiter, _ in batch])

    def _report(self, starts: list[float]) -> None:
        """Rows made durable together (`on_commit`: each row's wait since its submission)."""
        if self.on_commit is not None:
            done = time.perf_counter()
            with suppress(Exception):  # metrics never fail an append
                self.on_commit([done - start for start in starts])

    def _failure(self, exc: BaseException) -> LogError:
        """A commit's or a flush's failure as the rows that wait get it: a failed flush also
        stops the log (`_flush_failed`)."""
        if isinstance(exc, LogFlushError):
            return self._flush_failed(str(exc))
        return _as_log_error(exc)

    def _flush_failed(self, message: str) -> LogFlushError:
        """The log takes no more rows (see `LogFlushError`); the error to hand out."""
        if self._failed is None:
            self._failed = LogFlushError(f"{message}; it takes no more rows until it is reopened")
            logger.error("%s", self._failed)
        return self._failed

    def check_writable(self) -> None:
        """Raise `LogError` unless an append could be committed now (for readiness checks)."""
        if self._failed is not None:
            raise self._failed
        self._keys()
        if self._writer is not None and not self._writer.is_alive():
            raise LogError(f"decision log {self.where}: the writer thread stopped")
        self._store.check_writable()

    # --- reading --------------------------------------------------------------------------------

    def entries(self) -> Iterator[LogEntry]:
        for row in self._store.rows():
            yield LogEntry(**row)

    def get(self, entry_id: str) -> LogEntry | None:
        row = self._store.get(entry_id)
        return LogEntry(**row) if row else None

    def find(self, kind: str, details_key: str) -> LogEntry | None:
        """The row of this kind whose details carry this idempotency key, if any."""
        row = self._store.find(kind, details_key)
        return LogEntry(**row) if row else None

    def verify(self) -> VerifyResult:
        """Walk the chain; name the first row whose content, link or number is wrong."""
        chained_by = self._keys()[1]
        expected_prev, expected_seq, count = GENESIS, 1, 0
        for entry in self.entries():
            row = entry.as_dict()
            if entry.seq != expected_seq:
                return VerifyResult(
                    False, count, expected_prev,
                    f"row {entry.seq}: expected row {expected_seq} (a row was deleted)",
                )  # fmt: skip
            if entry.prev_hash != expected_prev:
                return VerifyResult(
                    False, count, expected_prev,
                    f"row {entry.seq}: does not link to row {entry.seq - 1} (edited or deleted)",
                )  # fmt: skip
            if not hmac.compare_digest(row_hash(row, chained_by), entry.row_hash):
                return VerifyResult(
                    False, count, expected_prev,
                    f"row {entry.seq}: content was edited (or its hash was not made with this "
                    "log's key)",
                )  # fmt: skip
            expected_prev, expected_seq, count = entry.row_hash, expected_seq + 1, count + 1
        return VerifyResult(True, count, expected_prev)

    def export(self, out: IO[str], fmt: str = "jsonl") -> int:
        """Write every row as CSV or JSON lines; return the number of rows."""
        count = 0
        if fmt == "csv":
            writer = csv.DictWriter(out, fieldnames=COLUMNS)
            writer.writeheader()
            for entry in self.entries():
                writer.writerow(entry.as_dict())
                count += 1
        elif fmt == "jsonl":
            for entry in self.entries():
                out.write(canonical(entry.as_dict()) + "\n")
                count += 1
        else:
            raise ValueError(f"unknown export format {fmt!r}: use csv or jsonl")
        return count


def _write_key_file(key_file: Path) -> None:
    """A new random key, 0600, appearing whole: written aside, then linked into place (two
    processes opening a new log at once agree on one key)."""
    key_file.parent.mkdir(parents=True, exist_ok=True)
    partial = key_file.with_name(f"{key_file.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(partial, key_file)
    except FileExistsError:
        pass  # another process made it first: use theirs
    finally:
        partial.unlink()
