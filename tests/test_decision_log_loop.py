"""Appends from an event loop to a SQLite log: committed on the loop, made durable by the
flusher process (`_flusher.py`), never answered before their flush."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from spinewise import decision_log
from spinewise.decision_log import (
    DecisionLog,
    LogEntry,
    LogError,
    LogFlushError,
    SqliteStore,
    _LoopWriter,
)


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    # Each loop runs in a thread of its own: an earlier test of the suite may leave a loop
    # running in this one (asyncio.run would refuse it).
    with ThreadPoolExecutor(1) as executor:
        yield executor


async def _burst(log: DecisionLog, n: int) -> list[LogEntry]:
    return await asyncio.gather(
        *(log.append_async(kind="assessment", channel="api", inputs={"i": i}) for i in range(n))
    )


def _flusher_pid(log: DecisionLog) -> int:
    writer = log._loop_writer
    assert writer is not None and writer._flusher is not None
    return writer._flusher.pid


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_appends_from_a_loop_are_committed_on_it_and_flushed_by_a_process(
    tmp_path: Path, pool: ThreadPoolExecutor
) -> None:
    with DecisionLog(tmp_path / "log.sqlite3") as log:
        entries = pool.submit(asyncio.run, _burst(log, 100)).result(timeout=60)
        pid = _flusher_pid(log)
        assert "_flusher.py" in Path(f"/proc/{pid}/cmdline").read_bytes().decode()
        assert log._writer is None  # no writer thread: the loop committed every row
        assert sorted(e.seq for e in entries) == list(range(1, 101))
        assert [log.get(e.entry_id) for e in entries] == entries
        result = log.verify()
        assert result.ok and result.rows == 100
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)  # closing the log stopped it


def _real_flusher() -> Path:
    return Path(decision_log.__file__).with_name("_flusher.py")


def _wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


#: A flusher that answers its first request and then hangs on the next (after saying so).
ONCE_THEN_STUCK = """
import os, sys, time
os.read(0, 65536)
os.fdatasync(os.open(sys.argv[1], os.O_RDWR))
os.write(1, b"k")
os.read(0, 65536)
open(sys.argv[1] + ".stuck", "w").close()
time.sleep(600)
"""


def test_a_failed_flush_fails_its_rows_and_the_log_until_it_is_reopened(
    tmp_path: Path, pool: ThreadPoolExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a failed flush, a later one cannot tell whether what was written before it
    reached the disk (the system reports a write error once): the log takes no more rows,
    and says it is not writable (readiness), until it is opened again."""
    failing = tmp_path / "failing.py"
    failing.write_text("import os\nasked = os.read(0, 65536)\nos.write(1, b'e' * len(asked))\n")
    monkeypatch.setattr(decision_log, "_FLUSHER", failing)
    path = tmp_path / "log.sqlite3"
    with DecisionLog(path) as log:
        with pytest.raises(LogFlushError, match="flush failed"):
            pool.submit(asyncio.run, _burst(log, 3)).result(timeout=60)
        with pytest.raises(LogFlushError):
            log.append(kind="assessment", channel="api")
        with pytest.raises(LogFlushError):
            log.check_writable()
    monkeypatch.setattr(decision_log, "_FLUSHER", _real_flusher())
    with DecisionLog(path) as log:  # reopened: the chain goes on from the rows committed
        entries = pool.submit(asyncio.run, _burst(log, 2)).result(timeout=60)
        assert sorted(e.seq for e in entries) == [4, 5]
        assert log.verify().ok


def test_rows_of_a_flusher_killed_mid_flush_are_flushed_off_the_loop(
    tmp_path: Path, pool: ThreadPoolExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed (by a signal, or the system's memory killer): what it was asked is flushed in
    a thread and answered; the next flush starts another flusher."""
    stuck = tmp_path / "stuck.py"
    stuck.write_text(ONCE_THEN_STUCK)
    monkeypatch.setattr(decision_log, "_FLUSHER", stuck)
    path = tmp_path / "log.sqlite3"

    async def scenario(log: DecisionLog) -> tuple[list[LogEntry], int, list[LogEntry], int]:
        first = await log.append_async(kind="assessment", channel="api")
        pid = _flusher_pid(log)
        waiting = asyncio.ensure_future(_burst(log, 3))
        deadline = time.monotonic() + 30
        while not Path(str(path) + "-wal.stuck").exists():
            assert time.monotonic() < deadline, "the flusher never got its second request"
            await asyncio.sleep(0.01)
        monkeypatch.setattr(decision_log, "_FLUSHER", _real_flusher())
        os.kill(pid, signal.SIGKILL)
        entries = [first, *await waiting]
        more = await _burst(log, 2)
        return entries, pid, more, _flusher_pid(log)

    with DecisionLog(path) as log:
        entries, pid, more, again = pool.submit(asyncio.run, scenario(log)).result(timeout=60)
    assert sorted(e.seq for e in entries) == [1, 2, 3, 4]
    assert sorted(e.seq for e in more) == [5, 6]
    assert again != pid  # another flusher


def test_a_flusher_that_cannot_start_leaves_the_loop_to_the_writer_thread(
    tmp_path: Path, pool: ThreadPoolExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(decision_log, "_FLUSHER", tmp_path / "missing.py")
    with DecisionLog(tmp_path / "log.sqlite3") as log:
        entries = pool.submit(asyncio.run, _burst(log, 3)).result(timeout=60)
        assert sorted(e.seq for e in entries) == [1, 2, 3]
        more = pool.submit(asyncio.run, _burst(log, 3)).result(timeout=60)
        assert sorted(e.seq for e in more) == [4, 5, 6]
        assert log._loop_writer is not None and log._loop_writer.unusable
        assert log._writer is not None  # the writer thread took the second loop's rows
        log.check_writable()
        assert log.verify().ok


def test_a_flush_past_its_deadline_fails_its_rows(
    tmp_path: Path, pool: ThreadPoolExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    stuck = tmp_path / "stuck.py"
    stuck.write_text(ONCE_THEN_STUCK)
    monkeypatch.setattr(decision_log, "_FLUSHER", stuck)
    monkeypatch.setattr(_LoopWriter, "FLUSH_DEADLINE", 0.5)

    async def twice(log: DecisionLog) -> None:
        await log.append_async(kind="assessment", channel="api")
        with pytest.raises(LogError, match=r"a flush took over 0\.5 s"):
            await log.append_async(kind="assessment", channel="api")

    with DecisionLog(tmp_path / "log.sqlite3") as log:
        pool.submit(asyncio.run, twice(log)).result(timeout=60)


def test_the_loop_never_waits_for_a_lock_another_writer_holds(
    tmp_path: Path, pool: ThreadPoolExecutor
) -> None:
    """Another process holds the log's lock for a second: the loop's row goes to the writer
    thread, which waits for it, and the loop keeps running meanwhile."""
    path = tmp_path / "log.sqlite3"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path.with_name(path.name + ".lock"))],
        stdout=subprocess.PIPE,
    )
    try:
        with DecisionLog(path) as log:
            assert holder.stdout is not None and holder.stdout.readline() == b"held\n"

            async def append_and_tick() -> tuple[LogEntry, float]:
                append = asyncio.ensure_future(log.append_async(kind="assessment", channel="api"))
                longest, last = 0.0, time.monotonic()
                while not append.done():
                    await asyncio.sleep(0.005)
                    now = time.monotonic()
                    longest, last = max(longest, now - last), now
                return await append, longest

            entry, longest = pool.submit(asyncio.run, append_and_tick()).result(timeout=60)
            assert entry.seq == 1
            assert longest < 0.25  # the loop ran throughout the second the lock was held
            assert log._writer is not None
    finally:
        holder.wait(timeout=30)
        assert holder.stdout is not None
        holder.stdout.close()


HOLD_LOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(1)
"""


def test_closing_from_another_thread_while_the_loop_runs_stops_the_flusher(
    tmp_path: Path, pool: ThreadPoolExecutor
) -> None:
    """`close` from another thread is done on the loop: every row answered is in the log,
    every other append is told the log closed, and no flusher is left running."""
    path = tmp_path / "log.sqlite3"
    loop = asyncio.new_event_loop()
    running = pool.submit(loop.run_forever)

    async def burst(log: DecisionLog) -> list[LogEntry | BaseException]:
        return await asyncio.gather(
            *(log.append_async(kind="assessment", channel="api") for _ in range(200)),
            return_exceptions=True,
        )

    try:
        log = DecisionLog(path)
        asyncio.run_coroutine_threadsafe(burst(log), loop).result(timeout=60)
        pid = _flusher_pid(log)
        bursts = [asyncio.run_coroutine_threadsafe(burst(log), loop) for _ in range(5)]
        time.sleep(0.001)
        log.close()
        outcomes = [o for b in bursts for o in b.result(timeout=60)]
        _wait_for(lambda: not _alive(pid), 10)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        running.result(timeout=60)
        loop.close()
    answered = [o for o in outcomes if isinstance(o, LogEntry)]
    refused = [o for o in outcomes if not isinstance(o, LogEntry)]
    assert all(isinstance(o, LogError) and "closed" in str(o) for o in refused), refused[:3]
    with DecisionLog(path) as reopened:
        assert reopened.verify().ok
        stored = {e.entry_id for e in reopened.entries()}
    assert {e.entry_id for e in answered} <= stored
    assert len(stored) == 200 + len(answered)


def test_the_flusher_ignores_the_signals_meant_for_its_owner(
    tmp_path: Path, pool: ThreadPoolExecutor
) -> None:
    """A Ctrl-C or SIGTERM to the process group: the owner may still be answering requests
    that wait for a flush, so the flusher stops only when its owner closes its input."""

    async def scenario(log: DecisionLog) -> tuple[int, bool, list[LogEntry], int]:
        await _burst(log, 2)
        pid = _flusher_pid(log)
        for sent in (signal.SIGINT, signal.SIGTERM):
            os.kill(pid, sent)
        await asyncio.sleep(0.2)
        alive = _alive(pid)
        return pid, alive, await _burst(log, 2), _flusher_pid(log)

    with DecisionLog(tmp_path / "log.sqlite3") as log:
        pid, alive, after, again = pool.submit(asyncio.run, scenario(log)).result(timeout=60)
    assert alive
    assert sorted(e.seq for e in after) == [3, 4]
    assert again == pid


RECORDING = """
import json, os, sqlite3, sys
db = sqlite3.connect(sys.argv[2], isolation_level=None)
out = open(sys.argv[1] + ".flushes", "a")
fd = os.open(sys.argv[1], os.O_RDWR)
while True:
    asked = os.read(0, 65536)
    if not asked:
        break
    top = db.execute("SELECT coalesce(max(seq), 0) FROM entries").fetchone()[0]
    os.fdatasync(fd)
    out.write(json.dumps(top) + "\\n")
    out.flush()
    os.write(1, b"k" * len(asked))
"""


def test_every_row_answered_was_committed_before_a_flush_began(
    tmp_path: Path, pool: ThreadPoolExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A flusher that records what was committed when each flush began (a review's test):
    every row answered is covered by a flush that had finished before its answer."""
    recording = tmp_path / "recording.py"
    recording.write_text(RECORDING)
    monkeypatch.setattr(decision_log, "_FLUSHER", recording)
    path = tmp_path / "log.sqlite3"
    flushes = Path(str(path) + "-wal.flushes")
    answered: list[tuple[int, int]] = []  # (seq, flushes finished when it was answered)

    async def one(log: DecisionLog, i: int) -> None:
        await asyncio.sleep(0.0001 * (i % 7))
        entry = await log.append_async(kind="assessment", channel="api")
        answered.append((entry.seq, len(flushes.read_text().splitlines())))

    async def many(log: DecisionLog) -> None:
        await asyncio.gather(*(one(log, i) for i in range(400)))

    with DecisionLog(path) as log:
        pool.submit(asyncio.run, many(log)).result(timeout=60)
    tops = [int(line) for line in flushes.read_text().splitlines()]
    assert len(answered) == 400 and len(tops) > 1
    for seq, finished in answered:
        assert any(top >= seq for top in tops[:finished]), (seq, tops[:finished])


def test_a_second_loop_uses_the_writer_thread_until_the_first_closes(
    tmp_path: Path, pool: ThreadPoolExecutor
) -> None:
    with DecisionLog(tmp_path / "log.sqlite3") as log:
        first = asyncio.new_event_loop()
        try:
            append = log.append_async(kind="assessment", channel="api")
            one = pool.submit(first.run_until_complete, append).result(timeout=60)
            two = pool.submit(asyncio.run, _burst(log, 1)).result(timeout=60)[0]
            assert log._writer is not None  # the second loop's row went through the thread
            assert log._loop_writer is not None and log._loop_writer.loop is first
        finally:
            first.close()
        three = pool.submit(asyncio.run, _burst(log, 1)).result(timeout=60)[0]
        assert log._loop_writer is not None and log._loop_writer.loop is not first
        assert [one.seq, two.seq, three.seq] == [1, 2, 3]
        assert log.verify().ok


def test_closing_commits_and_flushes_what_still_waits(
    tmp_path: Path, pool: ThreadPoolExecutor
) -> None:
    """Rows added on a loop that has not run yet (nothing committed, no flusher asked) are
    committed and flushed by `close`, and answered through the loop."""
    loop = asyncio.new_event_loop()
    try:
        log = DecisionLog(tmp_path / "log.sqlite3")
        writer = log._loop_writer_for(loop)
        assert writer is not None
        futures = [
            writer.add(log._row(kind="assessment", channel="api", inputs={"i": i}))
            for i in range(5)
        ]
        log.close()
        pool.submit(loop.run_until_complete, asyncio.sleep(0.01)).result(timeout=60)
        assert [f.result().seq for f in futures] == [1, 2, 3, 4, 5]
    finally:
        loop.close()
    with DecisionLog(tmp_path / "log.sqlite3") as reopened:
        assert reopened.verify().rows == 5


def test_the_flusher_checkpoints_the_wal_every_so_many_commits(
    tmp_path: Path, pool: ThreadPoolExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's own checkpoints are off (they would run under the commit's lock): the flusher
    copies the WAL into the database after every CHECKPOINT_EVERY commits."""
    path = tmp_path / "log.sqlite3"

    async def one_at_a_time(log: DecisionLog, n: int) -> None:
        for i in range(n):
            await log.append_async(kind="assessment", channel="api", inputs={"i": i})

    for every, grows in ((10_000, False), (5, True)):
        monkeypatch.setattr(SqliteStore, "CHECKPOINT_EVERY", every)
        target = path.with_name(f"{every}.sqlite3")
        with DecisionLog(target) as log:
            before = target.stat().st_size
            pool.submit(asyncio.run, one_at_a_time(log, 40)).result(timeout=60)
            # The last checkpoint asked for may still be running in the flusher.
            deadline = time.monotonic() + 10
            while target.stat().st_size == before and grows and time.monotonic() < deadline:
                time.sleep(0.05)
            assert (target.stat().st_size > before) is grows
