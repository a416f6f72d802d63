"""The decision log: every assessment made through the service, appended to SQLite and
hash-chained so that an edit or a deletion is detectable.

A row holds the time, the channel, the policy and rulebook version, the inputs, the decision
and a random id; never a name or other identifier of the patient. A caller-supplied reference is
stored only as a keyed hash (HMAC-SHA256), so rows of one patient can be linked by whoever holds
the key, and by nobody else. Each row's hash covers its content and the previous row's hash.
Commits are durable (WAL, synchronous=FULL): a crash loses nothing already committed, and
`append` returns only once its row is committed. Appends from many requests at once are
committed together by one writer thread (group commit), so the log does not cap throughput
at one disk flush per request.

What the chain cannot show on its own is the loss of the newest rows; `verify` prints the count
and the head hash so that they can be recorded elsewhere and compared.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import os
import queue
import secrets
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

__all__ = ["GENESIS", "DecisionLog", "LogEntry", "VerifyResult"]

GENESIS = "0" * 64
SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY,
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
"""
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


def canonical(value: Any) -> str:
    """JSON with sorted keys and no spaces: the same content always hashes the same."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_hash(row: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical([row[c] for c in HASHED]).encode()).hexdigest()


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


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    rows: int
    head: str
    problem: str | None = None


class DecisionLog:
    """Append-only, hash-chained log in one SQLite file. Safe to share between threads."""

    #: Most rows committed in one transaction.
    BATCH = 512

    def __init__(self, path: str | Path, key: bytes | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._key = key
        self._lock = threading.Lock()
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE below).
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(SCHEMA)
        self._pending: queue.SimpleQueue[tuple[dict[str, Any], Future[LogEntry]] | None] = (
            queue.SimpleQueue()
        )
        self._writer: threading.Thread | None = None
        self._closed = False

    def close(self) -> None:
        """Commit what is pending, stop the writer and close the database."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            writer = self._writer
        if writer is not None:
            self._pending.put(None)
            writer.join()
        with self._lock:
            self._db.close()

    def __enter__(self) -> DecisionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- keyed hash of a caller's reference ---------------------------------------------------

    @property
    def key(self) -> bytes:
        """The HMAC key: given, or kept in a private file beside the database."""
        if self._key is None:
            key_file = self.path.with_name(self.path.name + ".key")
            if not key_file.exists():
                fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_hex(32))
            self._key = bytes.fromhex(key_file.read_text().strip())
        return self._key

    def reference_hash(self, reference: str) -> str:
        return hmac.new(self.key, reference.encode(), hashlib.sha256).hexdigest()

    # --- writing --------------------------------------------------------------------------------

    def append(self, **fields: Any) -> LogEntry:
        """Append one row and return it once it is committed (see `submit` for the fields)."""
        return self.submit(**fields).result()

    def submit(
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
    ) -> Future[LogEntry]:
        """Queue one row for the writer; the future resolves when the row is committed."""
        row: dict[str, Any] = {
            "entry_id": entry_id or str(uuid.uuid4()),
            "recorded_at": datetime.now(UTC).isoformat(timespec="microseconds"),
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
        future: Future[LogEntry] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the decision log is closed")
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_loop, name="spinewise-decision-log", daemon=True
                )
                self._writer.start()
        self._pending.put((row, future))
        return future

    def _write_loop(self) -> None:
        while True:
            item = self._pending.get()
            if item is None:
                return
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
            self._commit(batch)
            if stop:
                return

    def _commit(self, batch: list[tuple[dict[str, Any], Future[LogEntry]]]) -> None:
        with self._lock:
            try:
                # BEGIN IMMEDIATE takes the write lock first, so that two processes appending
                # to one file cannot both chain onto the same head.
                self._db.execute("BEGIN IMMEDIATE")
                last = self._db.execute(
                    "SELECT seq, row_hash FROM entries ORDER BY seq DESC LIMIT 1"
                ).fetchone()
                seq, prev = (last["seq"], last["row_hash"]) if last else (0, GENESIS)
                for row, _ in batch:
                    seq += 1
                    row["seq"], row["prev_hash"] = seq, prev
                    row["row_hash"] = prev = row_hash(row)
                self._db.executemany(
                    f"INSERT INTO entries ({', '.join(COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(COLUMNS))})",
                    [[row[c] for c in COLUMNS] for row, _ in batch],
                )
                self._db.execute("COMMIT")
            except BaseException as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                for _, future in batch:
                    future.set_exception(exc)
                return
        for row, future in batch:
            future.set_result(LogEntry(**row))

    # --- reading --------------------------------------------------------------------------------

    def entries(self) -> Iterator[LogEntry]:
        with self._lock:
            rows = self._db.execute(f"SELECT {', '.join(COLUMNS)} FROM entries ORDER BY seq")
            fetched = rows.fetchall()
        for row in fetched:
            yield LogEntry(**dict(row))

    def get(self, entry_id: str) -> LogEntry | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {', '.join(COLUMNS)} FROM entries WHERE entry_id = ?", (entry_id,)
            ).fetchone()
        return LogEntry(**dict(row)) if row else None

    def find(self, kind: str, details_key: str) -> LogEntry | None:
        """The row of this kind whose details carry this idempotency key, if any."""
        with self._lock:
            row = self._db.execute(
                f"SELECT {', '.join(COLUMNS)} FROM entries "
                "WHERE kind = ? AND json_extract(details, '$.key') = ?",
                (kind, details_key),
            ).fetchone()
        return LogEntry(**dict(row)) if row else None

    def verify(self) -> VerifyResult:
        """Walk the chain; name the first row whose content, link or number is wrong."""
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
            if row_hash(row) != entry.row_hash:
                return VerifyResult(
                    False, count, expected_prev, f"row {entry.seq}: content was edited"
                )
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
