"""The command line as a clinician meets it (CONTRACT.md §5)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from spinewise.cli import app

runner = CliRunner()
ALL_NO = ",".join(
    [
        "saddle_anesthesia", "bladder_dysfunction", "bowel_dysfunction", "leg_weakness",
        "paresthesia", "fever", "injection_drug_use", "immunocompromised",
        "recent_spinal_procedure", "history_of_cancer", "gradually_worsening_pain",
        "severe_trauma", "prolonged_corticosteroid_use", "contusion_or_abrasion",
    ]
)  # fmt: skip


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, list(args), input=input, env=env)


def as_json(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_done_when_example_through_the_installed_command() -> None:
    """The issue's acceptance example, run as a user runs it: the installed `spinewise`."""
    exe = shutil.which("spinewise", path=str(Path(sys.executable).parent)) or "spinewise"
    done = subprocess.run(
        [exe, "assess", "--age", "62", "--yes", "history_of_cancer", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)  # stdout holds the assessment and nothing else
    assert data["decision"] == "image"
    assert "malignancy" in [c["id"] for c in data["suspected_conditions"]]
    assert done.stderr == ""


def test_bad_input_through_the_installed_command_is_one_line_and_exit_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "spinewise", "assess", "--age", "200", "--yes", "fevr"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
    assert "age: Input should be less than or equal to 120" in done.stderr
    assert "findings.fevr: unknown finding id 'fevr' (did you mean 'fever'?)" in done.stderr


def test_text_output_starts_with_the_decision() -> None:
    result = run("assess", "--age", "40", "--yes", "saddle_anesthesia")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].strip() == "IMAGE NOW AND REFER (EMERGENCY)"
    text = result.stdout
    for part in ("Why", "Cauda equina syndrome", "Order: MRI lumbar spine", "Refer:", "Still unanswered", "Plan", "Sources"):  # fmt: skip
        assert part in text


def test_conservative_text() -> None:
    result = run("assess", "--age", "35", "--no", ALL_NO)
    assert result.stdout.splitlines()[0].strip() == "NO IMAGING: CONSERVATIVE CARE 4-6 WEEKS"
    assert "Still unanswered" not in result.stdout


def test_incomplete_text_lists_the_open_questions() -> None:
    result = run("assess", "--age", "35", "--no", ALL_NO.replace("fever,", ""))
    assert result.stdout.splitlines()[0].strip() == "QUESTIONS STILL OPEN: NOT DECIDED"
    assert "(fever)" in result.stdout


def test_yes_and_no_take_several_ids_in_every_form() -> None:
    a = as_json(run("assess", "--age", "40", "--yes", "fever", "leg_weakness", "--no", "paresthesia", "--format", "json"))  # fmt: skip
    b = as_json(run("assess", "--age", "40", "--yes", "fever,leg_weakness", "--no", "paresthesia", "--format", "json"))  # fmt: skip
    c = as_json(run("assess", "--age=40", "--yes", "fever", "--yes", "leg_weakness", "--no=paresthesia", "--format", "json"))  # fmt: skip
    assert a == b == c
    assert a["red_flags"] == ["leg_weakness", "fever"]
    assert "paresthesia" not in a["unanswered"]


def test_input_file_and_flags_combine(tmp_path: Path) -> None:
    path = tmp_path / "patient.json"
    path.write_text(json.dumps({"age": 45, "setting": "emergency", "findings": {"fever": False}}))
    data = as_json(run("assess", "--input", str(path), "--yes", "severe_trauma", "--policy", "acr", "--format", "json"))  # fmt: skip
    assert data["decision"] == "image"
    assert data["imaging"]["study"] == "ct_lumbar_without_contrast"
    assert "fever" not in data["unanswered"]


def test_policy_from_the_environment() -> None:
    data = as_json(
        run("assess", "--age", "75", "--format", "json", env={"SPINEWISE_POLICY": "acr"})
    )
    assert data["policy"]["id"] == "acr"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["--yes", "fevr"],
            None,
            "findings.fevr: unknown finding id 'fevr' (did you mean 'fever'?)",
        ),
        (["--age", "121"], None, "age: Input should be less than or equal to 120"),
        (["--policy", "acrr"], None, "--policy: unknown policy 'acrr' (did you mean 'acr'?)"),
        (["--yes", "fever", "--no", "fever"], None, "--yes and --no both name: fever"),
        (
            ["--input", "-"],
            '{"age": 40,\n "findings": {"fever": tru}}',
            "<stdin>: line 2 column 24: not valid JSON",
        ),
        (["--input", "-"], "[1, 2]", "<stdin>: a presentation must be a JSON object"),
        (
            ["--input", "-"],
            '{"findings": {"fever": "yes"}}',
            "findings.fever: Input should be a valid boolean",
        ),
        (["--input", "-"], '{"findings": []}', "findings: must be an object"),
        (["--input", "/no/such/file.json"], None, "--input: no such file: /no/such/file.json"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], stdin: str | None, message: str) -> None:
    result = run("assess", *args, input=stdin)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr


def test_interactive_asks_until_decided() -> None:
    # Saddle anaesthesia (asked first) is an emergency under seed: no further question is needed.
    result = run("assess", "--ask", input="40\ny\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("[y/n/?]") == 1
    assert "IMAGE NOW AND REFER (EMERGENCY)" in result.stdout


def test_interactive_asks_every_required_question_before_conservative() -> None:
    answers = "45\n" + "n\n" * 14
    result = run("assess", "--ask", input=answers)
    assert result.stdout.count("[y/n/?]") == 14
    assert "NO IMAGING: CONSERVATIVE CARE 4-6 WEEKS" in result.stdout


def test_interactive_unknown_answers_leave_it_incomplete() -> None:
    answers = "\n" + "n\n" * 14  # age left blank
    result = run("assess", "--ask", "--policy", "seed", input=answers)
    assert "QUESTIONS STILL OPEN" in result.stdout
    assert "(age)" in result.stdout


def test_interactive_rejects_a_bad_age_and_asks_again() -> None:
    result = run("assess", "--ask", input="abc\n300\n62\ny\n")
    assert result.stdout.count("Please give a number of years") == 2
    assert "IMAGE NOW AND REFER" in result.stdout


def test_no_questions_when_stdin_is_not_a_terminal() -> None:
    data = as_json(run("assess", "--format", "json", input=""))
    assert data["decision"] == "incomplete"
    assert data["unanswered"][0] == "age"


def test_rules_list_and_show() -> None:
    listing = run("rules", "list")
    assert listing.exit_code == 0
    for word in ("seed", "acr", "saddle_anesthesia", "cauda_equina_syndrome", "older_age"):
        assert word in listing.stdout
    policy = run("rules", "show", "acr")
    assert policy.exit_code == 0
    assert "acr.weak_malignancy" in policy.stdout
    assert "Required" in policy.stdout
    finding = run("rules", "show", "fever")
    assert "Fever (measured 38.0 °C" in finding.stdout
    assert "seed: seed.epidural_abscess" in finding.stdout
    missing = run("rules", "show", "fevr")
    assert missing.exit_code == 2
    assert "'fevr'" in missing.stderr


def test_help_works_without_a_traceback() -> None:
    env = {**os.environ, "COLUMNS": "100"}
    result = runner.invoke(app, ["assess", "--help"], env=env)
    assert result.exit_code == 0
    assert "--yes" in result.stdout
