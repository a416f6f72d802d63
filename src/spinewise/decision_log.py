"""The decision log: every assessment made through the service, appended to SQLite and
hash-chained so that an edit or a deletion is detectable.

A row holds the time, the channel, the policy and rulebook version, the inputs, the decision
and a random id; never a name or other identifier of the patient. A caller-supplied reference is
stored only as a keyed hash (HMAC-SHA256), so rows of one patient can be linked by whoever holds
the key, and by nobody else. Each row's hash covers its content and the previous row's hash.
Commits are durable (WAL, synchronous=FULL): a crash loses nothing already committed.

What the chain cannot show on its own is the loss of the newest rows; `verify` prints the count
and the head hash so that they can be recorded elsewhere and compared.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Mapping
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

    def close(self) -> None:
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

    def append(
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
    ) -> LogEntry:
        """Append one row in its own durable transaction and return it."""
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
        with self._lock:
            # BEGIN IMMEDIATE takes the write lock first, so that two processes appending to
            # one file cannot both chain onto the same head.
            self._db.execute("BEGIN IMMEDIATE")
            try:
                last = self._db.execute(
                    "SELECT seq, row_hash FROM entries ORDER BY seq DESC LIMIT 1"
                ).fetchone()
                row["seq"] = (last["seq"] if last else 0) + 1
                row["prev_hash"] = last["row_hash"] if last else GENESIS
                row["row_hash"] = row_hash(row)
                self._db.execute(
                    f"INSERT INTO entries ({', '.join(COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(COLUMNS))})",
                    [row[c] for c in COLUMNS],
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return LogEntry(**row)

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
