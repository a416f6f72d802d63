"""A quality team's own value sets (NCQA's licensed lists) replace spinewise's, with no code
change: `spinewise audit --value-sets DIR`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from spinewise.cli import app

ICD = "http://hl7.org/fhir/sid/icd-10-cm"


def _export(folder: Path) -> Path:
    export = folder / "export"
    export.mkdir()
    subject = {"reference": "Patient/p1"}
    (export / "Patient.000.ndjson").write_text(
        json.dumps({"resourceType": "Patient", "id": "p1", "birthDate": "1980-01-01"}) + "\n"
    )
    conditions = [
        {"resourceType": "Condition", "id": "lbp", "subject": subject,
         "code": {"coding": [{"system": ICD, "code": "M54.50"}]}, "onsetDateTime": "2025-03-01"},
        # A code only the licensed list has (made up here).
        {"resourceType": "Condition", "id": "x", "subject": subject,
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "9999999001"}]},
         "onsetDateTime": "2020-01-01"},
    ]  # fmt: skip
    (export / "Condition.000.ndjson").write_text("".join(json.dumps(c) + "\n" for c in conditions))
    return export


def _audit(export: Path, out: Path, *extra: str) -> tuple[int, str, dict[str, object]]:
    done = CliRunner().invoke(
        app, ["audit", str(export), "--year", "2025", "--out", str(out), *extra]
    )
    summary = json.loads((out / "summary.json").read_text()) if done.exit_code == 0 else {}
    return done.exit_code, done.output, summary


def test_a_licensed_list_replaces_ours(tmp_path: Path) -> None:
    export = _export(tmp_path)
    code, _, ours = _audit(export, tmp_path / "ours")
    assert code == 0 and ours["excluded"] == 0 and ours["value_sets_replaced"] == []
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "hiv.csv").write_text(
        "system,code\nsnomed,9999999001\nhttp://hl7.org/fhir/sid/icd-10-cm,B20\n"
    )
    code, output, theirs = _audit(export, tmp_path / "theirs", "--value-sets", str(lists))
    assert code == 0, output
    assert theirs["excluded_by_reason"] == {"HIV": 1}
    assert theirs["value_sets_replaced"] == ["hiv"]
    assert theirs["rulebook_version"] != ours["rulebook_version"]


def test_a_bad_list_is_one_line_naming_the_file_and_line(tmp_path: Path) -> None:
    export = _export(tmp_path)
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "hiv.csv").write_text("system,code\nmy-own-system,123\n")
    code, output, _ = _audit(export, tmp_path / "o", "--value-sets", str(lists))
    assert code == 2
    assert "--value-sets: hiv.csv: line 2: needs a `system` of code_systems.yaml" in output
    (lists / "hiv.csv").unlink()
    (lists / "hiv_typo.csv").write_text("system,code\nsnomed,1\n")
    code, output, _ = _audit(export, tmp_path / "o", "--value-sets", str(lists))
    assert code == 2 and "hiv_typo.csv: no value set 'hiv_typo' to replace" in output
