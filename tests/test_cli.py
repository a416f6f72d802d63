"""The command line as a clinician meets it (CONTRACT.md §5)."""

from __future__ import annotations

import json
import os
import re
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
    assert "age: spinewise is for adults: give an age from 18 to 120 years, not 200" in done.stderr
    assert "findings.fevr: unknown finding id 'fevr' (did you mean 'fever'?)" in done.stderr


def test_text_output_starts_with_the_decision() -> None:
    result = run(
        "assess",
        "--age",
        "40",
        "--yes",
        "saddle_anesthesia",
        "--no",
        ALL_NO.replace("saddle_anesthesia,", ""),
    )
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].strip() == "IMAGE NOW AND REFER (EMERGENCY)"
    text = result.stdout
    for part in ("Why", "Cauda equina syndrome", "Order: MRI lumbar spine", "Refer:", "Plan", "Sources"):  # fmt: skip
        assert part in text


def test_a_provisional_decision_says_what_to_ask_before_ordering_first() -> None:
    result = run("assess", "--age", "40", "--yes", "saddle_anesthesia")
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert lines[0] == "IMAGE NOW AND REFER (EMERGENCY), PROVISIONAL"
    assert lines[1].startswith("! Ask before ordering: fever, injection drug use")
    assert (
        "A yes would change the study to MRI lumbar spine without and with IV contrast."
        in " ".join(lines[1:4])
    )
    assert "Still unanswered" in result.stdout


def test_a_routine_radiograph_is_not_said_to_be_now() -> None:
    every_no = ALL_NO + ",osteoporosis,prior_lumbar_surgery,progressive_neurologic_deficit"
    result = run("assess", "--policy", "acr", "--age", "75", "--no", every_no)
    assert result.stdout.splitlines()[0].strip() == "IMAGING AND REFERRAL (ROUTINE)"
    assert (
        "Refer: Primary care, to review the radiograph and assess bone health, routine"
        in result.stdout
    )


def test_age_alone_is_said_first_with_the_acr_view_beside_it() -> None:
    result = run("assess", "--age", "62", "--no", ALL_NO)
    text = " ".join(result.stdout.split())
    assert result.stdout.splitlines()[0].strip() == "IMAGE NOW AND REFER (URGENT)"
    assert text.index("! This decision rests on age alone") < text.index("Why")
    assert "Beside it, acr: not decided; planned: Radiography lumbar spine" in text


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
        (
            ["--age", "121"],
            None,
            "age: spinewise is for adults: give an age from 18 to 120 years, not 121",
        ),
        (
            ["--age", "12"],
            None,
            "age: spinewise is for adults: give an age from 18 to 120 years, not 12",
        ),
        (["--formt", "json"], None, "spinewise: error: No such option: --formt"),
        (
            ["--format", "xml"],
            None,
            "spinewise: error: Invalid value for '--format': 'xml' is not one of 'text', 'json'.",
        ),
        (
            ["--age", "sixty"],
            None,
            "spinewise: error: Invalid value for '--age': Input should be a valid number",
        ),
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


def questions_asked(output: str) -> list[str]:
    """The finding ids whose question was put, in order (the answers typed are not echoed)."""
    from spinewise import default_rulebook

    text = " ".join(output.split())  # Rich wraps long prompts
    found = [
        (match.start(), fid)
        for fid, f in default_rulebook().findings.items()
        for match in re.finditer(re.escape(f"{f.question} [y/n/?]"), text)
    ]
    return [fid for _, fid in sorted(found)]


def test_interactive_keeps_asking_what_can_still_change_the_order() -> None:
    """Saddle numbness is an emergency, but fever, drug use and cancer can still change the
    contrast and the referrals: they are asked; the other signs of cauda equina are not."""
    answers = "40\ny\n" + "n\n" * 20
    result = run("assess", "--ask", input=answers)
    assert result.exit_code == 0, result.output
    asked = questions_asked(result.stdout)
    assert asked == [
        "saddle_anesthesia", "fever", "injection_drug_use", "immunocompromised",
        "recent_spinal_procedure", "history_of_cancer", "gradually_worsening_pain",
        "severe_trauma", "prolonged_corticosteroid_use", "contusion_or_abrasion",
    ]  # fmt: skip
    assert "IMAGE NOW AND REFER (EMERGENCY)" in result.stdout
    assert "PROVISIONAL" not in result.stdout


def test_interactive_stops_once_nothing_actionable_can_change() -> None:
    # Everything that could add a condition, a referral or contrast is already present.
    present = "saddle_anesthesia,fever,history_of_cancer,gradually_worsening_pain,severe_trauma"
    result = run("assess", "--ask", "--age", "60", "--yes", present, input="")
    assert result.exit_code == 0, result.output
    assert questions_asked(result.stdout) == []
    assert "IMAGE NOW AND REFER (EMERGENCY)" in result.stdout


def test_interactive_under_acr_asks_about_cauda_equina_after_severe_trauma() -> None:
    result = run(
        "assess",
        "--ask",
        "--policy",
        "acr",
        "--age",
        "40",
        "--yes",
        "severe_trauma",
        input="n\n" * 20,
    )
    asked = questions_asked(result.stdout)
    assert asked[:4] == [
        "saddle_anesthesia",
        "bladder_dysfunction",
        "bowel_dysfunction",
        "progressive_neurologic_deficit",
    ]


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
    result = run("assess", "--ask", input="abc\n300\n12\n62\ny\n" + "n\n" * 20)
    assert result.stdout.count("Please give a number of years from 18 to 120") == 3
    assert "IMAGE NOW AND REFER" in result.stdout


def test_interactive_json_prompts_on_stderr_and_only_json_on_stdout() -> None:
    exe = shutil.which("spinewise", path=str(Path(sys.executable).parent)) or "spinewise"
    done = subprocess.run(
        [exe, "assess", "--ask", "--format", "json"],
        input="40\ny\n" + "n\n" * 20,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)  # nothing else on stdout
    assert data["decision"] == "image" and data["provisional"] is False
    assert "Numbness of the saddle area" in done.stderr
    assert "Fever (measured" in done.stderr


def test_interactive_in_a_pseudo_terminal() -> None:
    """As a clinician runs it: `spinewise assess` on a terminal asks by itself."""
    answers = ["40", "n", "n", "n", "n", "n", "y"]  # fever yes, after the cauda equina signs
    output = run_in_terminal([str(Path(sys.executable).parent / "spinewise"), "assess"], answers)
    assert "Age in years" in output
    # After a fever, drug use and immunosuppression add nothing: not asked; cancer can add a
    # condition and a referral: asked.
    assert "Injects drugs?" not in output
    assert "Any personal history of cancer" in output
    assert "IMAGE NOW AND REFER (EMERGENCY)" in output


def run_in_terminal(argv: list[str], answers: list[str], timeout: float = 60) -> str:
    """Run a command on a pseudo-terminal, answering each prompt in turn (and "n" to any
    further one); the whole screen as text."""
    import pty
    import select
    import signal
    import time

    def plain(text: str) -> str:
        return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)

    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, with the pty as its terminal
        os.environ.update({"NO_COLOR": "1", "COLUMNS": "120", "TERM": "xterm"})
        os.execv(argv[0], argv)
    screen = ""
    pending = list(answers)
    deadline = time.monotonic() + timeout
    finished = False
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096).decode("utf-8", "replace")
            except OSError:  # the child closed the terminal: it is done
                finished = True
                break
            if not chunk:
                finished = True
                break
            screen += chunk
            # A prompt ends with "(?): " (a question) or "(blank if unknown): " (the age).
            if re.search(r"(\(\?\)|\(blank if unknown\)): $", plain(screen)):
                os.write(fd, ((pending.pop(0) if pending else "n") + "\r").encode())
    finally:
        if not finished:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert finished and os.waitstatus_to_exitcode(status) == 0, plain(screen)
    return plain(screen)


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


def test_help_works_without_a_traceback_and_lists_the_finding_ids() -> None:
    env = {**os.environ, "COLUMNS": "100"}
    result = runner.invoke(app, ["assess", "--help"], env=env)
    assert result.exit_code == 0
    assert "--yes" in result.stdout
    text = " ".join(result.stdout.split())
    for fid in ("saddle_anesthesia", "prolonged_corticosteroid_use", "suspected_malignancy"):
        assert fid in text


def test_version() -> None:
    from spinewise import __version__, default_rulebook

    result = run("--version")
    assert result.exit_code == 0
    assert (
        result.stdout.strip() == f"spinewise {__version__}, rulebook {default_rulebook().version}"
    )


def test_shell_completion_works_in_bash(tmp_path: Path) -> None:
    """The script `--show-completion bash` prints, sourced by a real bash, completes finding
    ids after --yes, policies after --policy and entries after `rules show`."""
    bindir = str(Path(sys.executable).parent)
    script = subprocess.run(
        [f"{bindir}/spinewise", "--show-completion", "bash"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    assert "_SPINEWISE_COMPLETE=complete_bash" in script
    (tmp_path / "completion.bash").write_text(script)

    def complete(*words: str) -> list[str]:
        line = " ".join(words)
        done = subprocess.run(
            ["bash", "-c", f"source {tmp_path}/completion.bash; COMP_WORDS=({line}); "
             f"COMP_CWORD={len(words) - 1}; _spinewise_completion spinewise; "
             'printf "%s\\n" "${COMPREPLY[@]}"'],
            capture_output=True, text=True, check=True, timeout=60,
            env={**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}"},
        )  # fmt: skip
        return done.stdout.split()

    assert complete("spinewise", "assess", "--yes", "sad") == ["saddle_anesthesia"]
    assert complete("spinewise", "assess", "--no", "bo") == ["bowel_dysfunction"]
    assert complete("spinewise", "assess", "--policy", "a") == ["acr"]
    assert complete("spinewise", "rules", "show", "osteop") == [
        "osteoporosis",
        "osteoporosis_diagnoses",
        "osteoporosis_drugs",
    ]
    assert "assess" in complete("spinewise", "as")


def test_no_command_shows_the_help() -> None:
    result = run()
    assert "Commands" in result.output and "assess" in result.output
