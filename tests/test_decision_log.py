"""The decision log: durable, chained with a keyed hash, tamper-evident against someone who can
write the database, exportable, no identifiers; on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import hashlib
import hmac
import io
import itertools
import json
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spinewise import decision_log
from spinewise.cli import app
from spinewise.decision_log import (
    HASHED,
    DecisionLog,
    LogEntry,
    LogError,
    LogKeyError,
    _Clock,
    _Ids,
    canonical,
    chain_key,
    row_hash,
)

KEY = bytes(range(32))


@dataclass
class Target:
    """One log on one store, and a way to write its database behind the log's back."""

    store: str
    target: str | Path
    key: bytes | None
    execute: Callable[..., list[tuple[Any, ...]]]

    def open(self, key: bytes | None = None) -> DecisionLog:
        return DecisionLog(self.target, key or self.key)

    def env(self) -> dict[str, str]:
        if self.store == "sqlite":
            return {"SPINEWISE_LOG_PATH": str(self.target)}
        assert self.key is not None
        return {"SPINEWISE_LOG_URL": str(self.target), "SPINEWISE_LOG_KEY": self.key.hex()}


def _sqlite(path: Path) -> Callable[..., list[tuple[Any, ...]]]:
    def execute(sql: str, *args: object) -> list[tuple[Any, ...]]:
        with sqlite3.connect(path) as db:
            return db.execute(sql, args).fetchall()

    return execute


def _postgres(url: str) -> Callable[..., list[tuple[Any, ...]]]:
    import psycopg

    def execute(sql: str, *args: object) -> list[tuple[Any, ...]]:
        with psycopg.connect(url, autocommit=True) as db:
            cursor = db.execute(sql.replace("?", "%s"), args)
            return cursor.fetchall() if cursor.description else []

    return execute


@pytest.fixture(params=["sqlite", "postgresql"])
def log(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    """Every test of this fixture runs on both stores."""
    if request.param == "sqlite":
        path = tmp_path / "log.sqlite3"
        yield Target("sqlite", path, None, _sqlite(path))
    else:
        url = request.getfixturevalue("pg_url")
        yield Target("postgresql", url, KEY, _postgres(url))


def fill(log: Target, n: int = 5) -> None:
    with log.open() as opened:
        for i in range(n):
            opened.append(
                kind="assessment",
                channel="api",
                policy="seed",
                rulebook_version="sha256:test",
                inputs={"age": 40 + i, "findings": {"fever": i % 2 == 0}},
                decision="image" if i % 2 == 0 else "incomplete",
                urgency="emergency" if i % 2 == 0 else None,
            )


def verify(log: Target, key: bytes | None = None) -> Any:
    with log.open(key) as opened:
        return opened.verify()


def test_rows_chain_and_verify(log: Target) -> None:
    fill(log)
    with log.open() as opened:
        result = opened.verify()
        entries = list(opened.entries())
    assert result.ok and result.rows == 5
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.row_hash for a, b in itertools.pairwise(entries))
    assert result.head == entries[-1].row_hash
    assert len({e.entry_id for e in entries}) == 5


def test_group_commit_waits_for_more_rows_only_under_load(
    log: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a linger far past the test's patience: rows appended one at a time are never held
    for company, and a burst is committed whole, in order, with nothing lost."""
    monkeypatch.setattr(DecisionLog, "LINGER", 3600.0)
    with log.open() as opened:
        for i in range(3):  # each append waits for its commit: one row at a time
            opened.append(kind="assessment", channel="api", inputs={"i": i})
        burst = [
            opened.submit(kind="assessment", channel="api", inputs={"i": i}) for i in range(3, 40)
        ]
        opened.close()  # the writer commits what is pending and stops, without waiting an hour
        assert all(f.done() for f in burst)
        entries = [f.result() for f in burst]
    with log.open() as opened:
        assert opened.verify().ok and opened.verify().rows == 40
        assert [json.loads(e.inputs or "{}")["i"] for e in opened.entries()] == list(range(40))
    assert entries[-1].seq == 40


def test_the_writer_never_waits_on_its_queue_with_a_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before Python 3.13, SimpleQueue.get(timeout=t) can block for good: a thread held up
    for longer than t inside the call goes on to wait with a negative timeout, which means
    forever. Under load that left a worker's whole batch unanswered (no new row came to wake
    the writer), so the writer sleeps through its wait for company and then drains the queue
    without waiting."""
    timed: list[float] = []

    class Recording(queue.SimpleQueue):  # type: ignore[type-arg]
        def get(self, block: bool = True, timeout: float | None = None) -> Any:
            if block and timeout is not None:
                timed.append(timeout)
            return super().get(block, timeout)

    monkeypatch.setattr(queue, "SimpleQueue", Recording)
    monkeypatch.setattr(DecisionLog, "LINGER", 0.05)  # the wait for company: long enough to see
    with DecisionLog(tmp_path / "log.sqlite3") as opened:
        for burst in range(3):
            rows = [opened.submit(kind="assessment", channel="api") for _ in range(20)]
            assert [f.result(30).seq for f in rows] == list(range(20 * burst + 1, 20 * burst + 21))
    assert timed == []


@pytest.mark.parametrize(
    ("sql", "args", "problem"),
    [
        (
            "UPDATE entries SET decision = 'conservative' WHERE seq = 3",
            (),
            "row 3: content was edited",
        ),
        ("UPDATE entries SET inputs = '{}' WHERE seq = 2", (), "row 2: content was edited"),
        ("DELETE FROM entries WHERE seq = 3", (), "row 4: expected row 3 (a row was deleted)"),
        ("DELETE FROM entries WHERE seq = 1", (), "row 2: expected row 1 (a row was deleted)"),
        (
            "UPDATE entries SET prev_hash = ? WHERE seq = 4",
            ("0" * 64,),
            "row 4: does not link to row 3",
        ),
    ],
)
def test_any_edit_or_deletion_names_the_first_broken_row(
    log: Target, sql: str, args: tuple[object, ...], problem: str
) -> None:
    fill(log)
    log.execute(sql, *args)
    result = verify(log)
    assert not result.ok
    assert result.problem is not None and result.problem.startswith(problem)


def _rechain(log: Target, hasher: Callable[[list[Any]], str]) -> None:
    """What someone with write access to the database (and not the key) can do: edit row 2,
    then recompute every hash from there on so that each row links to the one before."""
    log.execute("UPDATE entries SET decision = 'conservative', urgency = NULL WHERE seq = 2")
    columns = ", ".join(HASHED)
    rows = log.execute(f"SELECT {columns} FROM entries ORDER BY seq")
    prev = log.execute("SELECT row_hash FROM entries WHERE seq = 1")[0][0]
    for values in rows[1:]:
        row = dict(zip(HASHED, values, strict=True))
        row["prev_hash"] = prev
        prev = hasher([row[c] for c in HASHED])
        log.execute(
            "UPDATE entries SET prev_hash = ?, row_hash = ? WHERE seq = ?",
            row["prev_hash"],
            prev,
            row["seq"],
        )


@pytest.mark.parametrize("recomputed_with", ["sha256", "a guessed key"])
def test_an_edit_with_the_whole_chain_recomputed_is_detected_without_the_key(
    log: Target, recomputed_with: str
) -> None:
    fill(log)
    guessed = chain_key(b"\x00" * 32)

    def hasher(values: list[Any]) -> str:
        content = canonical(values).encode()
        if recomputed_with == "sha256":
            return hashlib.sha256(content).hexdigest()
        return hmac.new(guessed, content, hashlib.sha256).hexdigest()

    _rechain(log, hasher)
    result = verify(log)
    assert not result.ok
    assert result.problem is not None and result.problem.startswith("row 2: content was edited")


def test_the_chain_is_keyed_by_the_logs_key(log: Target) -> None:
    # The other side of the test above: it is the key, and only the key, that a forger lacks.
    fill(log, 3)
    with log.open() as opened:
        key = opened.key
    _rechain(log, lambda values: row_hash(dict(zip(HASHED, values, strict=True)), chain_key(key)))
    assert verify(log).ok


def test_a_different_key_is_refused(log: Target) -> None:
    fill(log, 2)
    other = bytes(32)
    with log.open(other) as opened, pytest.raises(LogKeyError, match="not the key this log"):
        opened.append(kind="assessment", channel="api")
    with log.open(other) as opened, pytest.raises(LogKeyError):
        opened.verify()
    assert verify(log).rows == 2


def test_references_are_stored_only_as_a_keyed_hash(log: Target) -> None:
    with log.open(KEY) as opened:
        entry = opened.append(kind="assessment", channel="api", reference="MRN-123456")
    expected = hmac.new(KEY, b"MRN-123456", hashlib.sha256).hexdigest()
    assert entry.reference_hash == expected
    stored = log.execute("SELECT * FROM entries")
    assert "MRN-123456" not in repr(stored)
    if log.store == "sqlite":
        assert isinstance(log.target, Path)
        for file in log.target.parent.iterdir():  # the database, and its WAL if still there
            assert b"MRN-123456" not in file.read_bytes(), file.name


def test_export_csv_and_jsonl(log: Target) -> None:
    fill(log, 3)
    with log.open() as opened:
        text = io.StringIO()
        assert opened.export(text, "csv") == 3
        rows = list(csv.DictReader(io.StringIO(text.getvalue())))
        lines = io.StringIO()
        opened.export(lines, "jsonl")
    assert [r["seq"] for r in rows] == ["1", "2", "3"]
    parsed = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert [p["decision"] for p in parsed] == ["image", "incomplete", "image"]
    assert parsed[0]["row_hash"] == rows[0]["row_hash"]


def _uuid7(ms: int, rand: bytes) -> str:
    """RFC 9562's layout, through the uuid module: 48 bits of milliseconds, then the random
    bits with the version (7) and variant (RFC 4122) bits set over them."""
    n = ms << 80 | int.from_bytes(rand, "big")
    n = n & ~(0xF << 76) | 7 << 76
    n = n & ~(0x3 << 62) | 0x2 << 62
    return str(uuid.UUID(int=n))


def test_ids_are_uuid7s_as_the_uuid_module_writes_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ids are written by hand (for speed); the same clock and random bytes give the same
    text as the uuid module, including bytes whose version and variant bits are all set or
    all clear, and a pool used up is drawn again."""
    drawn: list[bytes] = []
    real = os.urandom

    def urandom(n: int) -> bytes:
        pool = bytes([0xFF] * 10 + [0x00] * 10) + real(n - 20)
        drawn.append(pool)
        return pool

    clock = itertools.count(0x0123_4567_89AB * 1_000_000 + 999_999, 1_000_000)
    monkeypatch.setattr(os, "urandom", urandom)
    monkeypatch.setattr(time, "time_ns", lambda: next(clock))
    ids = _Ids()
    made = [ids.next() for _ in range(600)]
    chunks = [pool[i : i + 10] for pool in drawn for i in range(0, len(pool), 10)]
    assert len(drawn) == 3
    assert made == [_uuid7(0x0123_4567_89AB + i, chunk) for i, chunk in enumerate(chunks[:600])]
    assert made[:2] == [
        "01234567-89ab-7fff-bfff-ffffffffffff",
        "01234567-89ac-7000-8000-000000000000",
    ]


def test_ids_are_version_7_time_ordered_and_unique() -> None:
    """Version 7 with the RFC's variant, the clock's milliseconds in the first 48 bits (so
    ids from different milliseconds sort as they were made, text and all), 74 random bits
    (no two alike), and a forked child draws its own random bytes."""
    ids = _Ids()
    before = time.time_ns() // 1_000_000
    made = [ids.next() for _ in range(20_000)]
    after = time.time_ns() // 1_000_000
    parsed = [uuid.UUID(i) for i in made]
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in parsed)
    assert [str(u) for u in parsed] == made
    stamps = [u.int >> 80 for u in parsed]
    assert before <= stamps[0] and stamps[-1] <= after
    assert stamps == sorted(stamps)
    by_ms: dict[int, list[str]] = {}
    for stamp, made_id in zip(stamps, made, strict=True):
        by_ms.setdefault(stamp, []).append(made_id)
    runs = list(by_ms.values())
    assert all(max(a) < min(b) for a, b in itertools.pairwise(runs))
    time.sleep(0.002)
    later = ids.next()
    assert later > max(made)
    assert len(set(made)) == len(made)
    # 74 random bits: the bits outside the clock, version and variant differ between ids.
    random_bits = {u.int & ((1 << 80) - 1) & ~(0xF << 76) & ~(0x3 << 62) for u in parsed}
    assert len(random_bits) == len(parsed)
    assert {(u.int >> 76) & 0xF for u in parsed} == {7}
    # A forked child does not reuse the parent's pool: its next id's random bits differ from
    # the parent's next id's.
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.write(write, ids.next().encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = uuid.UUID(os.read(read, 64).decode())
    os.close(read)
    parent = uuid.UUID(ids.next())
    assert child.int & ((1 << 76) - 1) != parent.int & ((1 << 76) - 1)


def test_canonical_json_is_json_dumps_with_sorted_keys_and_no_spaces() -> None:
    value = {"b": [1, 2.5, None, True], "a": {"é": "ü\n", "c": "\u2028"}, "": {}}
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert (
        canonical(value)
        == expected
        == '{"":{},"a":{"c":"\u2028","é":"ü\\n"},"b":[1,2.5,null,true]}'
    )


def test_feedback_is_found_by_its_key(log: Target) -> None:
    with log.open() as opened:
        entry = opened.append(kind="feedback", channel="cds-hooks", details={"key": "c1:accepted"})
        assert opened.find("feedback", "c1:accepted") == entry
        assert opened.find("feedback", "c1:overridden") is None
        assert opened.get(entry.entry_id) == entry


def test_cli_log_verify_and_export(log: Target, tmp_path: Path) -> None:
    fill(log, 4)
    runner = CliRunner()
    ok = runner.invoke(app, ["log", "verify"], env=log.env())
    assert ok.exit_code == 0 and "log ok: 4 rows" in ok.stdout
    out = tmp_path / "export.csv"
    exported = runner.invoke(
        app, ["log", "export", "--format", "csv", "--out", str(out)], env=log.env()
    )
    assert exported.exit_code == 0, exported.output
    assert len(out.read_text().splitlines()) == 5
    assert out.stat().st_mode & 0o777 == 0o600
    assert not (tmp_path / "export.csv.partial").exists()
    log.execute("UPDATE entries SET channel = 'page' WHERE seq = 2")
    broken = runner.invoke(app, ["log", "verify"], env=log.env())
    assert broken.exit_code == 1
    assert broken.stderr.strip().startswith("spinewise: log broken: row 2: content was edited")


# --- SQLite only: files, keys, old logs ----------------------------------------------------------


def test_sqlite_files_are_private_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    with DecisionLog(path) as opened:
        opened.append(kind="assessment", channel="api")
        files = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()}
    # The database, its WAL and shared memory, the key and the lock file: nobody else's.
    assert {"log.sqlite3", "log.sqlite3-wal", "log.sqlite3-shm", "log.sqlite3.key"} <= set(files)
    assert set(files.values()) == {0o600}, files
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_existing_readable_log_file_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    DecisionLog(path).close()
    path.chmod(0o644)
    DecisionLog(path).close()
    assert path.stat().st_mode & 0o777 == 0o600


def test_without_a_key_a_private_key_file_is_made_once(tmp_path: Path) -> None:
    with DecisionLog(tmp_path / "log.sqlite3") as opened:
        first = opened.append(kind="assessment", channel="api", reference="A").reference_hash
    key_file = tmp_path / "log.sqlite3.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    with DecisionLog(tmp_path / "log.sqlite3") as opened:
        assert (
            opened.append(kind="assessment", channel="api", reference="A").reference_hash == first
        )


def test_a_lost_key_file_is_not_silently_replaced(tmp_path: Path) -> None:
    fill(Target("sqlite", tmp_path / "log.sqlite3", None, _sqlite(tmp_path / "log.sqlite3")), 1)
    (tmp_path / "log.sqlite3.key").unlink()
    with DecisionLog(tmp_path / "log.sqlite3") as opened, pytest.raises(LogKeyError, match="key"):
        opened.append(kind="assessment", channel="api")
    assert not (tmp_path / "log.sqlite3.key").exists()


def test_a_key_file_setting_is_used(tmp_path: Path) -> None:
    key_file = tmp_path / "secret"
    key_file.write_text(KEY.hex() + "\n")
    with DecisionLog(tmp_path / "log.sqlite3", key_file=key_file) as opened:
        entry = opened.append(kind="assessment", channel="api", reference="R")
    assert entry.reference_hash == hmac.new(KEY, b"R", hashlib.sha256).hexdigest()
    assert not (tmp_path / "log.sqlite3.key").exists()


def test_a_log_written_before_keyed_chains_is_not_appended_to(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    DecisionLog(path).close()  # only its tables: the old version wrote no meta rows
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO entries (seq, entry_id, recorded_at, kind, channel, prev_hash, row_hash)"
            " VALUES (1, 'e', 't', 'assessment', 'api', ?, ?)",
            ("0" * 64, "1" * 64),
        )
    (tmp_path / "old.sqlite3.key").unlink(missing_ok=True)
    with DecisionLog(path) as opened, pytest.raises(LogError, match="older spinewise"):
        opened.append(kind="assessment", channel="api")
    exported = CliRunner().invoke(app, ["log", "export"], env={"SPINEWISE_LOG_PATH": str(path)})
    assert exported.exit_code == 0 and '"entry_id":"e"' in exported.stdout


def test_cli_with_no_log(tmp_path: Path) -> None:
    missing = CliRunner().invoke(
        app, ["log", "verify"], env={"SPINEWISE_LOG_PATH": str(tmp_path / "no.db")}
    )
    assert missing.exit_code == 2 and "no decision log at" in missing.stderr


# --- PostgreSQL only: the key, and the password -----------------------------------------------


def test_a_failed_append_leaves_the_log_writable(log: Target) -> None:
    """A row the database refuses (an id already used) fails alone: the next append goes on
    the same chain (on PostgreSQL the refused transaction is not left open)."""
    fill(log, 2)
    with log.open() as opened:
        taken = next(opened.entries()).entry_id
        with pytest.raises(LogError):
            opened.append(kind="assessment", channel="api", entry_id=taken)
        opened.append(kind="assessment", channel="api", inputs={"after": True})
    result = verify(log)
    assert result.ok, result.problem
    assert result.rows == 3


def test_postgres_a_batch_larger_than_one_insert(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit's rows go in INSERTs of at most `ROWS` rows (PostgreSQL's limit on
    parameters), prepared up to `PREPARED` rows: one transaction and one chain."""
    monkeypatch.setattr(decision_log._PgAppender, "ROWS", 3)
    monkeypatch.setattr(decision_log._PgAppender, "PREPARED", 2)
    with DecisionLog(pg_url, KEY) as opened:
        rows = [opened._row(kind="assessment", channel="api", inputs={"i": i}) for i in range(8)]
        opened._store.append(rows, opened._keys()[1])
        entries = list(opened.entries())
        result = opened.verify()
    assert result.ok, result.problem
    assert [e.seq for e in entries] == list(range(1, 9))
    assert [json.loads(e.inputs or "{}") for e in entries] == [{"i": i} for i in range(8)]


def test_postgres_refuses_a_nul_and_stays_writable(pg_url: str) -> None:
    """A NUL would end a text parameter early (the row stored would not be the row hashed):
    refused with the column's name, and the next append goes on the chain."""
    with DecisionLog(pg_url, KEY) as opened:
        opened.append(kind="assessment", channel="api")
        with pytest.raises(LogError, match=r"decision log .*: decision: .*NUL"):
            opened.append(kind="assessment", channel="api", decision="im\x00age")
        opened.append(kind="assessment", channel="api", decision="image")
        result = opened.verify()
        stored = [e.decision for e in opened.entries()]
    assert result.ok, result.problem
    assert stored == [None, "image"]


def test_postgres_needs_the_key(pg_url: str) -> None:
    with DecisionLog(pg_url) as opened, pytest.raises(LogKeyError, match="SPINEWISE_LOG_KEY"):
        opened.append(kind="assessment", channel="api")


def test_postgres_errors_never_show_the_password(postgres: Any, pg_url: str) -> None:
    wrong = pg_url.replace(postgres.password, "not-the-password-4e1f")
    with pytest.raises(LogError) as caught:
        DecisionLog(wrong, KEY)
    assert "not-the-password-4e1f" not in str(caught.value)
    assert "***@127.0.0.1" in str(caught.value)
    env = {"SPINEWISE_LOG_URL": wrong, "SPINEWISE_LOG_KEY": KEY.hex()}
    result = CliRunner().invoke(app, ["log", "verify"], env=env)
    assert result.exit_code == 2
    assert "not-the-password-4e1f" not in result.output
    assert result.stderr.count("\n") == 1 and "cannot connect" in result.stderr


# --- many processes, and a crash --------------------------------------------------------------

WRITER = """
import sys
from spinewise.decision_log import DecisionLog
log = DecisionLog(sys.argv[1], bytes.fromhex(sys.argv[2]))
for i in range(int(sys.argv[3])):
    entry = log.append(kind="assessment", channel="api", inputs={"i": i}, decision="image")
    print(entry.entry_id, flush=True)
log.close()
"""


def _writers(log: Target, n: int, rows: int) -> list[subprocess.Popen[str]]:
    key = log.key or KEY
    if log.store == "sqlite":  # the log's own key file, made once before the writers start
        with log.open() as opened:
            key = opened.key
    return [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(log.target), key.hex(), str(rows)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(n)
    ]


def test_processes_appending_at_once_make_one_chain(log: Target) -> None:
    writers = _writers(log, 3, 150)
    acknowledged = set()
    for writer in writers:
        out, _ = writer.communicate(timeout=120)
        assert writer.returncode == 0
        acknowledged |= set(out.split())
    result = verify(log)
    assert result.ok, result.problem
    assert result.rows == len(acknowledged) == 450
    with log.open() as opened:
        assert {e.entry_id for e in opened.entries()} == acknowledged


def test_a_kill_mid_burst_loses_nothing_acknowledged(log: Target) -> None:
    """Two processes append at once; one is killed with SIGKILL mid-burst, then the other:
    every row either reported as committed is there, and the chain is whole."""
    writers = _writers(log, 2, 100_000)
    acknowledged: list[set[str]] = [set(), set()]
    deadline = time.monotonic() + 60
    for victim in range(2):
        stream = writers[victim].stdout
        assert stream is not None
        while len(acknowledged[victim]) < 200 and time.monotonic() < deadline:
            acknowledged[victim].add(stream.readline().strip())
        os.kill(writers[victim].pid, signal.SIGKILL)
        writers[victim].wait()
        acknowledged[victim] |= set(stream.read().split())  # what it printed before dying
        stream.close()
    other = writers[1].stdout
    assert other is not None and other.closed
    result = verify(log)
    assert result.ok, result.problem
    with log.open() as opened:
        present = {e.entry_id for e in opened.entries()}
    assert len(acknowledged[0]) >= 200 and len(acknowledged[1]) >= 200
    assert acknowledged[0] | acknowledged[1] <= present


def test_what_append_returns_is_the_row_stored(log: Target) -> None:
    """The entry handed back once a row is committed (built without the frozen dataclass's
    `__init__`, for speed) is the row as stored, field for field, from a thread or a
    coroutine."""
    with log.open() as opened, ThreadPoolExecutor(1) as pool:
        # The coroutine runs on a loop of its own thread: an earlier test of the suite may
        # leave a loop running in this one (asyncio.run would refuse it).
        coroutine = opened.append_async(kind="feedback", channel="cds-hooks", details={})
        entries = [
            opened.append(kind="assessment", channel="api", inputs={"age": 40}),
            pool.submit(asyncio.run, coroutine).result(timeout=60),
        ]
        for entry in entries:
            assert type(entry) is LogEntry
            assert opened.get(entry.entry_id) == entry
            assert entry.as_dict() == opened.get(entry.entry_id).as_dict()  # type: ignore[union-attr]
            with pytest.raises(dataclasses.FrozenInstanceError):
                entry.decision = "image"  # type: ignore[misc]


@pytest.mark.parametrize(
    "ns",
    [
        1_764_700_000_000_000_000,  # on a second
        1_764_700_000_999_999_999,  # the last nanosecond of a second
        1_764_700_001_000_000_999,  # the next second, a few nanoseconds into it
        1_764_700_000_123_456_789,
        1_767_225_599_999_999_000,  # the last microsecond of 2025
    ],
)
def test_recorded_at_is_what_datetime_writes(monkeypatch: pytest.MonkeyPatch, ns: int) -> None:
    """The record time is formatted by hand, the date and time of day once a second (for
    speed): the text datetime's isoformat writes for the same microsecond, across second and
    year boundaries, from a clock that has seen another second first."""
    clock = _Clock()
    monkeypatch.setattr(time, "time_ns", lambda: ns - 7_000_000_000)
    clock.now()
    for at in (ns, ns + 1_000):  # a new second, then the same second from the cache
        monkeypatch.setattr(time, "time_ns", lambda at=at: at)
        expected = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=at // 1000)
        assert clock.now() == expected.isoformat(timespec="microseconds")
