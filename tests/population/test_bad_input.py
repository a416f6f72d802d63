"""Bad input through `spinewise audit`: a damaged line is quarantined (file, line, reason) and
the run goes on; a file that is not NDJSON text stops the run with one line naming it. Never a
traceback, never the line's content (patient data) on the terminal or in the quarantine, and
the previous run's outputs are kept whole."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinewise.cli import app
from spinewise.population.synth import synthesize

SECRET = "Zebediah Quux"  # stands for patient data: must never be printed
ICD = "http://hl7.org/fhir/sid/icd-10-cm"


def _condition(cid: str, note: str = "") -> bytes:
    resource = {"resourceType": "Condition", "id": cid, "subject": {"reference": "Patient/x1"},
                "code": {"coding": [{"system": ICD, "code": "M54.50"}], "text": note},
                "onsetDateTime": "2025-03-01"}  # fmt: skip
    return json.dumps(resource).encode()


@pytest.fixture
def export(tmp_path: Path) -> Path:
    out = tmp_path / "export"
    synthesize(60, 2025, out, seed=5)
    return out


def _audit(export: Path, out: Path, *more: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["audit", str(export), "--year", "2025", "--out", str(out),
                                      *more])  # fmt: skip
    return result.exit_code, result.output


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}


def test_damaged_lines_are_quarantined_with_file_line_and_reason(
    export: Path, tmp_path: Path
) -> None:
    path = export / "Condition.000.ndjson"
    lines_before = path.read_bytes().count(b"\n")
    damaged = [
        _condition("bad-utf8", SECRET).replace(b"Quux", b"Qu\xffx"),  # one invalid byte
        _condition("ctrl", SECRET).replace(b"Quux", b"Qu\x01x"),  # a control character
        _condition("nul", SECRET).replace(b"Quux", b"Qu\x00x"),
        _condition("cr", SECRET).replace(b"Quux", b"Qu\rx"),  # a lone carriage return
        _condition("tab", SECRET).replace(b"Quux", b"Qu\tx"),  # a raw tab inside a string
        _condition("crlf") + b"\r",  # a Windows line end: fine
        b"\xef\xbb\xbf" + _condition("bom"),  # a byte order mark: fine
        b'{"resourceType": "Condition", "id": "cut", "subject": {"reference": "Pa',
    ]
    with path.open("ab") as handle:
        handle.write(b"\n".join(damaged) + b"\n")
    code, output = _audit(export, tmp_path / "out")
    assert code == 0, output
    assert SECRET not in output and "Traceback" not in output
    quarantine = (tmp_path / "out" / "quarantine.ndjson").read_text()
    assert "Zebediah" not in quarantine and "Qu" not in quarantine
    got = [json.loads(line) for line in quarantine.splitlines()]
    first = lines_before + 1
    assert got == [
        {"file": "Condition.000.ndjson", "line": first, "reason": "not valid UTF-8"},
        {"file": "Condition.000.ndjson", "line": first + 1, "reason": "a control character"},
        {"file": "Condition.000.ndjson", "line": first + 2, "reason": "a control character"},
        {"file": "Condition.000.ndjson", "line": first + 3,
         "reason": "a carriage return inside the line"},
        {"file": "Condition.000.ndjson", "line": first + 4,
         "reason": "not valid JSON: Invalid control character at"},
        {"file": "Condition.000.ndjson", "line": first + 7,
         "reason": "not valid JSON: Unterminated string starting at"},
    ]  # fmt: skip
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["quarantined_lines"] == 6
    assert (
        summary["input_lines"]
        == summary["used_lines"] + summary["ignored_lines"] + summary["quarantined_lines"]
    )
    # The Windows line end and the byte order mark were read: the two lines were used.
    clean = tmp_path / "clean"
    clean.mkdir()
    fine = _condition("crlf") + b"\n" + _condition("bom") + b"\n"
    for p in export.iterdir():
        (clean / p.name).write_bytes(p.read_bytes().replace(b"\n".join(damaged) + b"\n", fine))
    assert _audit(clean, tmp_path / "clean-out")[0] == 0
    other = json.loads((tmp_path / "clean-out" / "summary.json").read_text())
    assert other["used_lines"] == summary["used_lines"]


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (
            "gzip",
            "Condition.000.ndjson is gzip-compressed, not NDJSON text: decompress it first (gunzip)",
        ),
        ("binary", "Condition.000.ndjson is binary, not NDJSON text"),
        ("folder", "Condition.000.ndjson is not a regular file"),
        ("dangling", "Condition.000.ndjson cannot be read (No such file or directory)"),
        ("pipe", "Condition.000.ndjson is not a regular file"),
    ],
)
def test_a_file_that_is_not_ndjson_text_stops_the_run_in_one_line(
    export: Path, tmp_path: Path, damage: str, said: str
) -> None:
    out = tmp_path / "out"
    assert _audit(export, out)[0] == 0
    before = _outputs(out)
    path = export / "Condition.000.ndjson"
    content = path.read_bytes()
    path.unlink()
    if damage == "gzip":
        path.write_bytes(gzip.compress(content + SECRET.encode()))
    elif damage == "binary":
        path.write_bytes(bytes(range(256)) * 64 + SECRET.encode())
    elif damage == "folder":
        path.mkdir()
    elif damage == "dangling":
        path.symlink_to(tmp_path / "nowhere")
    else:  # reading a named pipe would wait for a writer for ever
        os.mkfifo(path)
    code, output = _audit(export, out)
    assert code == 2
    assert output.strip().splitlines() == [f"spinewise: error: EXPORT_DIR: {said}"]
    assert _outputs(out) == before  # nothing already written is lost
