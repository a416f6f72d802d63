"""Every example in the docs runs, and the generated reference is current."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

import spinewise
from spinewise.cli import app
from spinewise.decision_log import DecisionLog
from spinewise.reference import reference_markdown
from tests.shared import shared

ROOT = Path(__file__).parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def blocks(kind: str) -> list[tuple[str, str]]:
    return [
        (f"{page.name}:{n}", body)
        for page in PAGES
        for n, (lang, body) in enumerate(BLOCK.findall(page.read_text(encoding="utf-8")))
        if lang == kind
    ]


def commands() -> list[tuple[str, list[str]]]:
    """Each console block's commands, run in order in one folder (a later one may read what an
    earlier one wrote)."""
    out = []
    for where, body in blocks("console"):
        lines = [line[2:] for line in body.splitlines() if line.startswith("$ ")]
        if lines:
            out.append((f"{where}: {lines[0]}", lines))
    return out


def test_reference_is_current() -> None:
    page = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert page == reference_markdown(), "docs/reference.md is stale: run `make docs`"


def test_docs_have_examples() -> None:
    assert sum(len(lines) for _, lines in commands()) >= 8
    assert len(blocks("python")) >= 2


@pytest.mark.parametrize("where,lines", commands(), ids=[c[0] for c in commands()])
def test_console_example_runs(
    where: str, lines: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In a scratch folder, with a decision log that already holds one assessment.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SPINEWISE_LOG_PATH", str(tmp_path / "decisions.sqlite3"))
    with DecisionLog(tmp_path / "decisions.sqlite3") as log:
        log.append(kind="assessment", channel="api", decision="image")
    for command in lines:
        stdin = None
        if " | " in command:  # `echo '...' | spinewise ...`
            producer, command = command.split(" | ", 1)
            stdin = shlex.split(producer)[1]
        # Docs are written from the repository root, beside the public test material.
        if "../shared/" in command:
            command = command.replace("../shared/", f"{shared('data').parent}/")
        argv = shlex.split(command)
        assert argv[0] == "spinewise", where
        result = CliRunner().invoke(app, argv[1:], input=stdin)
        assert result.exit_code == 0, f"{where}: {command}: {result.output}"


@pytest.mark.parametrize("where,code", blocks("python"), ids=[b[0] for b in blocks("python")])
def test_python_example_runs(where: str, code: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(code, where, "exec"), {})


def test_public_api_is_sorted_and_exported() -> None:
    assert spinewise.__all__ == sorted(spinewise.__all__)
    for name in spinewise.__all__:
        assert hasattr(spinewise, name), name


def test_readme_opens_with_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = BLOCK.search(readme)
    assert first_block is not None
    lines = [line.split("#")[0].strip() for line in first_block.group(2).splitlines()]
    assert lines[:2] == ["make serve", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\nserve:" in makefile and "\ntest:" in makefile
