"""The decision log: durable, hash-chained, tamper-evident, exportable; no identifiers."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import itertools
import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinewise.cli import app
from spinewise.decision_log import DecisionLog


def filled(path: Path, n: int = 5) -> DecisionLog:
    log = DecisionLog(path)
    for i in range(n):
        log.append(
            kind="assessment",
            channel="api",
            policy="seed",
            rulebook_version="sha256:test",
            inputs={"age": 40 + i, "findings": {"fever": i % 2 == 0}},
            decision="image" if i % 2 == 0 else "incomplete",
            urgency="emergency" if i % 2 == 0 else None,
        )
    return log


def tamper(path: Path, sql: str, *args: object) -> None:
    with sqlite3.connect(path) as db:
        db.execute(sql, args)


def test_rows_chain_and_verify(tmp_path: Path) -> None:
    with filled(tmp_path / "log.sqlite3") as log:
        result = log.verify()
        entries = list(log.entries())
    assert result.ok and result.rows == 5
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.row_hash for a, b in itertools.pairwise(entries))
    assert result.head == entries[-1].row_hash
    assert len({e.entry_id for e in entries}) == 5


def test_the_database_is_in_wal_mode(tmp_path: Path) -> None:
    filled(tmp_path / "log.sqlite3").close()
    with sqlite3.connect(tmp_path / "log.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


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
    tmp_path: Path, sql: str, args: tuple[object, ...], problem: str
) -> None:
    path = tmp_path / "log.sqlite3"
    filled(path).close()
    tamper(path, sql, *args)
    with DecisionLog(path) as log:
        result = log.verify()
    assert not result.ok
    assert result.problem is not None and result.problem.startswith(problem)


def test_a_rewritten_row_with_a_recomputed_hash_still_breaks_the_chain(tmp_path: Path) -> None:
    # An editor who also recomputes the row's own hash breaks the link of the next row.
    from spinewise.decision_log import row_hash

    path = tmp_path / "log.sqlite3"
    filled(path).close()
    with DecisionLog(path) as log:
        row = next(e for e in log.entries() if e.seq == 2).as_dict()
    row["decision"] = "conservative"
    tamper(
        path,
        "UPDATE entries SET decision = ?, row_hash = ? WHERE seq = 2",
        "conservative",
        row_hash(row),
    )
    with DecisionLog(path) as log:
        result = log.verify()
    assert result.problem == "row 3: does not link to row 2 (edited or deleted)"


def test_references_are_stored_only_as_a_keyed_hash(tmp_path: Path) -> None:
    key = bytes(range(32))
    with DecisionLog(tmp_path / "log.sqlite3", key=key) as log:
        entry = log.append(kind="assessment", channel="api", reference="MRN-123456")
    expected = hmac.new(key, b"MRN-123456", hashlib.sha256).hexdigest()
    assert entry.reference_hash == expected
    for file in tmp_path.iterdir():  # the database, and its WAL if still there
        assert b"MRN-123456" not in file.read_bytes(), file.name


def test_without_a_key_a_private_key_file_is_made_once(tmp_path: Path) -> None:
    with DecisionLog(tmp_path / "log.sqlite3") as log:
        first = log.append(kind="assessment", channel="api", reference="A").reference_hash
    key_file = tmp_path / "log.sqlite3.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    with DecisionLog(tmp_path / "log.sqlite3") as log:
        assert log.append(kind="assessment", channel="api", reference="A").reference_hash == first


def test_export_csv_and_jsonl(tmp_path: Path) -> None:
    with filled(tmp_path / "log.sqlite3", 3) as log:
        text = io.StringIO()
        assert log.export(text, "csv") == 3
        rows = list(csv.DictReader(io.StringIO(text.getvalue())))
        lines = io.StringIO()
        log.export(lines, "jsonl")
    assert [r["seq"] for r in rows] == ["1", "2", "3"]
    parsed = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert [p["decision"] for p in parsed] == ["image", "incomplete", "image"]
    assert parsed[0]["row_hash"] == rows[0]["row_hash"]


def test_cli_log_verify_and_export(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    filled(path, 4).close()
    env = {"SPINEWISE_LOG_PATH": str(path)}
    runner = CliRunner()
    ok = runner.invoke(app, ["log", "verify"], env=env)
    assert ok.exit_code == 0 and "log ok: 4 rows" in ok.stdout
    out = tmp_path / "export.csv"
    exported = runner.invoke(app, ["log", "export", "--format", "csv", "--out", str(out)], env=env)
    assert exported.exit_code == 0
    assert len(out.read_text().splitlines()) == 5
    assert not (tmp_path / "export.csv.partial").exists()
    tamper(path, "UPDATE entries SET channel = 'page' WHERE seq = 2")
    broken = runner.invoke(app, ["log", "verify"], env=env)
    assert broken.exit_code == 1
    assert broken.stderr.strip() == "spinewise: log broken: row 2: content was edited"
    missing = runner.invoke(
        app, ["log", "verify"], env={"SPINEWISE_LOG_PATH": str(tmp_path / "no.db")}
    )
    assert missing.exit_code == 2


WRITER = """
import sys
from spinewise.decision_log import DecisionLog
log = DecisionLog(sys.argv[1])
for i in range(100000):
    log.append(kind="assessment", channel="api", inputs={"i": i}, decision="image")
    print(i + 1, flush=True)
"""


def test_a_crash_mid_write_loses_nothing_committed(tmp_path: Path) -> None:
    """Kill a writer with SIGKILL while it appends: every row it reported is there, intact."""
    path = tmp_path / "log.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    committed = 0
    deadline = time.monotonic() + 30
    while committed < 300 and time.monotonic() < deadline:
        committed = int(writer.stdout.readline())
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    writer.stdout.close()
    with DecisionLog(path) as log:
        result = log.verify()
    assert result.ok, result.problem
    assert result.rows >= committed >= 300
