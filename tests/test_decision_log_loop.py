"""Appends from an event loop to a SQLite log: committed on the loop, made durable by the
flusher process (`_flusher.py`), never answered before their flush."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from spinewise import decision_log
from spinewise.decision_log import DecisionLog, LogEntry, LogError, SqliteStore


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


def test_a_failed_flush_fails_the_rows_that_wait_for_it(
    tmp_path: Path, pool: ThreadPoolExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing = tmp_path / "failing.py"
    failing.write_text("import os\nasked = os.read(0, 65536)\nos.write(1, b'e' * len(asked))\n")
    monkeypatch.setattr(decision_log, "_FLUSHER", failing)
    with DecisionLog(tmp_path / "log.sqlite3") as log:
        with pytest.raises(LogError, match="flush failed"):
            pool.submit(asyncio.run, _burst(log, 3)).result(timeout=60)
        monkeypatch.setattr(
            decision_log, "_FLUSHER", Path(decision_log.__file__).parent / "_flusher.py"
        )
        # The next loop gets a flusher that works; the chain goes on from the rows committed.
        entries = pool.submit(asyncio.run, _burst(log, 2)).result(timeout=60)
        assert sorted(e.seq for e in entries) == [4, 5]
        assert log.verify().ok


def test_a_flusher_killed_mid_flush_fails_its_rows_and_another_starts(
    tmp_path: Path, pool: ThreadPoolExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    stuck = tmp_path / "stuck.py"
    stuck.write_text("import os, time\nos.read(0, 65536)\ntime.sleep(600)\n")
    monkeypatch.setattr(decision_log, "_FLUSHER", stuck)
    with DecisionLog(tmp_path / "log.sqlite3") as log:
        waiting = pool.submit(asyncio.run, _burst(log, 3))
        deadline = time.monotonic() + 30
        while (log._loop_writer is None or log._loop_writer._flusher is None) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.01)
        os.kill(_flusher_pid(log), signal.SIGKILL)
        with pytest.raises(LogError, match="the flusher stopped"):
            waiting.result(timeout=60)
        monkeypatch.setattr(
            decision_log, "_FLUSHER", Path(decision_log.__file__).parent / "_flusher.py"
        )
        entries = pool.submit(asyncio.run, _burst(log, 2)).result(timeout=60)
        assert sorted(e.seq for e in entries) == [4, 5]


def test_a_second_loop_uses_the_writer_thread_until_the_first_closes(
    tmp_path: Path, pool: ThreadPoolExecutor
) -> None:
    with DecisionLog(tmp_path / "log.sqlite3") as log:
        first = asyncio.new_event_loop()
        try:
            one = first.run_until_complete(log.append_async(kind="assessment", channel="api"))
            two = pool.submit(asyncio.run, _burst(log, 1)).result(timeout=60)[0]
            assert log._writer is not None  # the second loop's row went through the thread
            assert log._loop_writer is not None and log._loop_writer.loop is first
        finally:
            first.close()
        three = pool.submit(asyncio.run, _burst(log, 1)).result(timeout=60)[0]
        assert log._loop_writer is not None and log._loop_writer.loop is not first
        assert [one.seq, two.seq, three.seq] == [1, 2, 3]
        assert log.verify().ok


def test_closing_commits_and_flushes_what_still_waits(tmp_path: Path) -> None:
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
        loop.run_until_complete(asyncio.sleep(0.01))
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
