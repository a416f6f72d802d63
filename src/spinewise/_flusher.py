"""The decision log's flusher: a small process that makes a SQLite WAL durable on request.

Run by `decision_log` (by path, so that importing it costs nothing) as
`python -I -S _flusher.py WAL DATABASE`, one per process that appends from an event loop.
Each byte read from stdin asks for one flush: `f` a flush, `c` a flush and then a checkpoint
of the WAL into the database (PASSIVE: it waits for no one). Requests that arrive together
share one flush. Each request is answered with one byte on stdout once the flush has
returned: `k` done, `e` failed (and the flusher stops). It stops when stdin closes (its owner
closed the log, or died), and not before: a Ctrl-C or a SIGTERM to the process group is for
its owner, which may still be answering requests that wait for a flush.

Why a process, not a thread: a thread must take the interpreter's lock back from the busy
event loop after every blocking call, so its flushes were answered late (docs/performance.md).
A flush made by any process makes the file's data durable, whoever wrote it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
from contextlib import suppress

_sync = getattr(os, "fdatasync", os.fsync)


def main(wal: str, database: str) -> int:
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    fd = os.open(wal, os.O_RDWR)
    checkpointer: sqlite3.Connection | None = None
    while True:
        asked = os.read(0, 65536)
        if not asked:
            return 0
        try:
            _sync(fd)
        except OSError:
            os.write(1, b"e" * len(asked))
            return 1
        os.write(1, b"k" * len(asked))
        if b"c" in asked:
            with suppress(sqlite3.Error):
                if checkpointer is None:
                    checkpointer = sqlite3.connect(database, isolation_level=None)
                checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)")


if __name__ == "__main__":
    with suppress(BrokenPipeError):
        sys.exit(main(sys.argv[1], sys.argv[2]))
