"""The command line (CONTRACT.md §5): a thin edge over the engine and the rulebook.

Bad input exits 2 with one line on stderr, never a traceback. `assess --format json` prints
the assessment and nothing else on stdout.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich.prompt import Prompt
from typer.core import TyperCommand, TyperGroup

try:  # Typer 0.2x vendors Click; earlier versions use Click itself.
    from typer._click.exceptions import NoArgsIsHelpError, UsageError
except ImportError:  # pragma: no cover
    from click.exceptions import NoArgsIsHelpError, UsageError  # type: ignore[assignment]

from spinewise import __version__
from spinewise.console import (
    audit_progress,
    make_console,
    render_assessment,
    render_catalogue,
    render_entry,
    render_note,
    render_record,
)
from spinewise.decision_log import DecisionLog, LogError
from spinewise.engine import assess as run_assess
from spinewise.engine import next_question
from spinewise.model import ADULT_AGE, Presentation
from spinewise.rulebook import (
    Rulebook,
    RulebookError,
    UnknownPolicyError,
    default_rulebook,
    load_rulebook,
)
from spinewise.settings import Settings

if TYPE_CHECKING:
    from spinewise.fhir.intake import Intake

__all__ = ["app", "main"]


class OneErrorStyle(TyperGroup):
    """Every error the same way: `spinewise: error: ...` on one line of stderr, exit 2 (usage
    errors of Click included), never a usage block or a traceback."""

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, standalone_mode: bool = True, **kwargs: Any
    ) -> Any:
        try:
            result = super().main(args, standalone_mode=False, **kwargs)
        except NoArgsIsHelpError as exc:
            exc.show()
            result = 2
        except UsageError as exc:
            typer.echo(f"spinewise: error: {_one_line(exc.format_message())}", err=True)
            result = 2
        except typer.Abort:
            typer.echo("spinewise: stopped", err=True)
            result = 130
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)


def _one_line(text: str) -> str:
    # pydantic's prefix on a choice error says nothing to a clinician.
    return " ".join(text.split()).replace(": Value error, ", ": ")


app = typer.Typer(
    name="spinewise",
    help="Clinical decision support for imaging in low back pain.",
    cls=OneErrorStyle,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
rules_app = typer.Typer(
    help="Show and validate the knowledge: policies, findings, conditions, sources.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(rules_app, name="rules")
log_app = typer.Typer(
    help="Check and export the decision log (SPINEWISE_LOG_PATH or SPINEWISE_LOG_URL).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(log_app, name="log")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"spinewise {__version__}, rulebook {default_rulebook().version}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Clinical decision support for imaging in low back pain."""


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def fail(message: str) -> NoReturn:
    """Bad input: one line on stderr, exit 2."""
    typer.echo(f"spinewise: error: {message}", err=True)
    raise typer.Exit(2)


def describe_validation_error(exc: ValidationError) -> str:
    """Every bad field of a presentation, on one line: `findings.fevr: unknown finding id`."""
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "(input)"
        problems.append(f"{where}: {error['msg']}")
    return "invalid input: " + "; ".join(problems)


class MultiValueCommand(TyperCommand):
    """Lets `--yes a b c` mean `--yes a --yes b --yes c` (assess takes no positional args)."""

    MULTI = ("--yes", "--no")

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        out: list[str] = []
        current: str | None = None
        got_value = False
        for arg in args:
            if current is not None and not arg.startswith("-"):
                out += [current, arg]
                got_value = True
                continue
            if current is not None and not got_value:
                out.append(current)  # a bare `--yes`: left for Typer to report
            current, got_value = (arg, False) if arg in self.MULTI else (None, False)
            if current is None:
                out.append(arg)
        if current is not None and not got_value:
            out.append(current)
        return super().parse_args(ctx, out)


def _split_ids(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _read_input(source: str) -> dict[str, Any]:
    if source == "-":
        text, name = sys.stdin.read(), "<stdin>"
    else:
        path = Path(source)
        if not path.is_file():
            fail(f"--input: no such file: {source}")
        text, name = path.read_text(encoding="utf-8"), source
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"{name}: line {exc.lineno} column {exc.colno}: not valid JSON: {exc.msg}")
    if not isinstance(data, dict):
        fail(f"{name}: a presentation must be a JSON object")
    return data


def _read_fhir(path: Path, as_of: str | None, rb: Rulebook) -> Intake:
    from spinewise.fhir.intake import FhirInputError, intake, resources_of

    try:
        day = date.fromisoformat(as_of) if as_of else datetime.now(UTC).date()
    except ValueError:
        fail(f"--as-of: not a date (YYYY-MM-DD): {as_of}")
    if not path.is_file():
        fail(f"--fhir: no such file: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        fail(f"{path}: not valid JSON: {exc}")
    try:
        return intake(resources_of(data), day, rulebook=rb)
    except FhirInputError as exc:
        fail(f"{path}: {exc}")


def _ask(rb: Rulebook, policy: str, data: dict[str, Any], *, stderr: bool) -> dict[str, Any]:
    """Ask the required questions one by one, most acute first, skipping those that cannot
    change anything now; stop once no answer to the rest can change anything actionable (the
    decision, the urgency, the study, the referrals or the suspected conditions)."""
    console = make_console(stderr=stderr)
    pol = rb.policy(policy)
    console.print(f"Policy {pol.id}: answer y (yes), n (no) or ? (unknown). Ctrl-C to stop.")
    asked: set[str] = set()
    while (ref := next_question(data, policy, asked=asked, rulebook=rb)) is not None:
        asked.add(ref)
        if ref == "age":
            data["age"] = _ask_age(console)
            continue
        answer = Prompt.ask(
            f"{rb.findings[ref].question}", choices=["y", "n", "?"], default="?", console=console
        )
        data["findings"][ref] = {"y": True, "n": False}.get(answer)
    return data


def _ask_age(console: Any) -> float | None:
    low, high = ADULT_AGE
    while True:
        raw = Prompt.ask(
            "Age in years (blank if unknown)", default="", show_default=False, console=console
        )
        if not raw.strip():
            return None
        try:
            return Presentation.model_validate({"age": float(raw)}).age
        except (ValueError, ValidationError):
            console.print(
                f"Please give a number of years from {low} to {high} (spinewise is for "
                "adults), or leave blank."
            )


def _complete_findings(incomplete: str) -> list[str]:
    return [fid for fid in default_rulebook().findings if fid.startswith(incomplete)]


def _complete_policies(incomplete: str) -> list[str]:
    return [pid for pid in default_rulebook().policies if pid.startswith(incomplete)]


def _complete_entries(incomplete: str) -> list[str]:
    rb = default_rulebook()
    ids = [*rb.policies, *rb.findings, *rb.age_flags, *rb.conditions, *rb.studies, *rb.sources]
    return [ref for ref in [*ids, *rb.value_sets] if ref.startswith(incomplete)]


def _finding_ids() -> str:
    return ", ".join(default_rulebook().findings)


@app.command(cls=MultiValueCommand)
def assess(
    policy: Annotated[
        str,
        typer.Option(
            envvar="SPINEWISE_POLICY",
            help="Policy id: seed (default) or acr.",
            autocompletion=_complete_policies,
        ),
    ] = "seed",
    input: Annotated[
        str | None,
        typer.Option("--input", help="A presentation as JSON: a file, or - for stdin."),
    ] = None,
    fhir: Annotated[
        Path | None,
        typer.Option("--fhir", help="A FHIR R4 Bundle (JSON): findings from the record."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Date the record is read at (YYYY-MM-DD; default today)."),
    ] = None,
    age: Annotated[float | None, typer.Option(help="Age in years.")] = None,
    yes: Annotated[
        list[str] | None,
        typer.Option(
            "--yes",
            help=f"Finding ids present (repeat or list): {_finding_ids()}.",
            autocompletion=_complete_findings,
        ),
    ] = None,
    no: Annotated[
        list[str] | None,
        typer.Option(
            "--no",
            help="Finding ids asked and absent (repeat or list; the same ids as --yes).",
            autocompletion=_complete_findings,
        ),
    ] = None,
    setting: Annotated[
        str | None, typer.Option(help="primary_care, emergency or specialist.")
    ] = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="text or json.")] = (
        OutputFormat.text
    ),
    ask: Annotated[
        bool | None,
        typer.Option(
            "--ask/--no-ask",
            help="Ask the questions one by one (default: when nothing is given on a terminal).",
        ),
    ] = None,
) -> None:
    """Assess one patient: the decision, why, the study, the plan and the sources."""
    rb = default_rulebook()
    try:
        rb.policy(policy)
    except UnknownPolicyError as exc:
        fail(f"--policy: {exc}")
    data: dict[str, Any] = _read_input(input) if input is not None else {}
    record = _read_fhir(fhir, as_of, rb) if fhir is not None else None
    if record is not None:
        # The record first; a file or the flags given on the command line override it.
        data = {"age": record.age, **data}
        data["findings"] = {**record.findings, **(data.get("findings") or {})}
    findings = data.setdefault("findings", {})
    if not isinstance(findings, dict):
        fail("findings: must be an object of finding id to true, false or null")
    present, absent = _split_ids(yes or []), _split_ids(no or [])
    both = sorted(set(present) & set(absent))
    if both:
        fail(f"--yes and --no both name: {', '.join(both)}")
    findings.update(dict.fromkeys(present, True))
    findings.update(dict.fromkeys(absent, False))
    if age is not None:
        data["age"] = age
    if setting is not None:
        data["setting"] = setting
    nothing_given = input is None and fhir is None and age is None and not present and not absent
    if ask or (ask is None and nothing_given and sys.stdin.isatty()):
        try:
            Presentation.model_validate(data)
        except ValidationError as exc:
            fail(describe_validation_error(exc))
        data = _ask(rb, policy, data, stderr=output is OutputFormat.json)
    try:
        result = run_assess(data, policy)
    except ValidationError as exc:
        fail(describe_validation_error(exc))
    if output is OutputFormat.json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        console = make_console()
        console.print(render_assessment(result, rb))
        if record is not None:
            console.print(render_record(record, rb))


@rules_app.command("list")
def rules_list() -> None:
    """List the policies, findings, conditions and studies."""
    make_console().print(render_catalogue(default_rulebook()))


@rules_app.command("show")
def rules_show(
    ref: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="A policy, finding, condition, …",
            autocompletion=_complete_entries,
        ),
    ],
) -> None:
    """Show one entry; a policy is shown as a table of its rules."""
    rb = default_rulebook()
    shown = render_entry(ref, rb)
    if shown is None:
        fail(f"no policy, finding, condition, study, source or code list is called {ref!r}")
    make_console().print(shown)


@rules_app.command("validate")
def rules_validate(
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="A knowledge directory to check (default: the packaged one)."),
    ] = None,
) -> None:
    """Load and check the knowledge; exit 2 naming the file and entry of the first problem."""
    try:
        rb = load_rulebook(str(directory)) if directory else default_rulebook()
    except RulebookError as exc:
        fail(str(exc))
    typer.echo(
        f"rulebook {rb.version} is valid: {len(rb.policies)} policies "
        f"({', '.join(rb.policies)}), {len(rb.findings)} findings, "
        f"{len(rb.conditions)} conditions, {len(rb.sources)} sources"
    )


def _nlp() -> Any:
    try:
        import spinewise.nlp as nlp
    except ImportError:
        fail("the note extractor needs the nlp extra: pip install 'spinewise[nlp]'")
    return nlp


def _jsonl(path: Path, keys: tuple[str, ...]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Numbered JSON objects of a JSON-lines file (`-` for stdin); a bad line stops with its
    number, after everything before it was written."""
    handle = sys.stdin if str(path) == "-" else path.open(encoding="utf-8")
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                fail(f"{path}: line {number}: not valid JSON: {exc.msg}")
            if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in keys):
                fail(f"{path}: line {number}: needs string fields {', '.join(keys)}")
            yield number, item


def _extract_worker(text: str) -> dict[str, Any]:
    import spinewise.nlp as nlp

    result: dict[str, Any] = nlp.extract(text).as_dict()
    return result


@app.command()
def extract(
    source: Annotated[
        str | None, typer.Argument(metavar="[FILE|-]", help="A note (default: stdin).")
    ] = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="text or json.")] = (
        OutputFormat.text
    ),
    jsonl: Annotated[
        Path | None,
        typer.Option(
            "--jsonl", help='{"id","text"} lines in, {"id","age","findings","mentions"} out.'
        ),
    ] = None,
    workers: Annotated[int, typer.Option(help="Processes for --jsonl (default: all cores).")] = 0,
) -> None:
    """Read a free-text note: age and red-flag findings, with the text behind each."""
    nlp = _nlp()
    if jsonl is not None:
        _extract_jsonl(jsonl, workers or os.cpu_count() or 1)
        return
    if source is None or source == "-":
        text = sys.stdin.read()
    elif Path(source).is_file():
        text = Path(source).read_text(encoding="utf-8", errors="replace")
    else:
        fail(f"no such file: {source}")
    result = nlp.extract(text)
    if output is OutputFormat.json:
        sys.stdout.write(json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        make_console().print(render_note(text, result, default_rulebook()))


def _extract_jsonl(path: Path, workers: int) -> None:
    items = _jsonl(path, ("id", "text"))
    if workers <= 1:
        for _, item in items:
            out = {"id": item["id"], **_extract_worker(item["text"])}
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        return
    import multiprocessing

    ids: list[str] = []

    def texts() -> Iterator[str]:
        for _, item in items:
            ids.append(item["id"])
            yield item["text"]

    # Streaming over all cores: imap keeps order and holds only a window of notes in memory.
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for i, result in enumerate(pool.imap(_extract_worker, texts(), chunksize=16)):
            sys.stdout.write(json.dumps({"id": ids[i], **result}, ensure_ascii=False) + "\n")
            ids[i] = ""


@app.command()
def assertion(
    jsonl: Annotated[
        Path,
        typer.Option("--jsonl", help='{"id","text","target"} lines in; ConText of the target out.'),
    ],
) -> None:
    """Is a target phrase in the text, and negated, historical, hypothetical, about someone
    else, uncertain? For any concept, one JSON line per input line."""
    nlp = _nlp()
    for _, item in _jsonl(jsonl, ("id", "text", "target")):
        result = nlp.assertion(item["text"], item["target"]).as_dict()
        sys.stdout.write(json.dumps({"id": item["id"], **result}) + "\n")


@app.command()
def synth(
    patients: Annotated[int, typer.Option(help="How many patients.")],
    year: Annotated[int, typer.Option(help="The measurement year.")],
    out: Annotated[Path, typer.Option(help="The export folder to write.")],
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same export).")] = 1,
) -> None:
    """Write a synthetic FHIR Bulk Data export with planted truth (manifest.json)."""
    from spinewise.population.synth import synthesize

    if patients < 1:
        fail("--patients: must be at least 1")
    manifest = synthesize(patients, year, out, seed)
    typer.echo(f"wrote {patients} patients to {out}: {manifest['expected_classes']}", err=True)


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


@app.command()
def audit(
    export_dir: Annotated[Path, typer.Argument(metavar="EXPORT_DIR", help="NDJSON export folder.")],
    year: Annotated[
        list[int],
        typer.Option(help="The measurement year; give it more than once for rates by year."),
    ],
    engine: Annotated[
        Engine, typer.Option(help="duckdb (embedded) or spark (the spark extra).")
    ] = Engine.duckdb,
    policy: Annotated[str, typer.Option(help="Policy id: seed or acr.")] = "seed",
    out: Annotated[Path, typer.Option(help="Folder for the outputs.")] = Path("audit-out"),
    notes: Annotated[
        bool,
        typer.Option("--notes/--no-notes", help="Also read the notes (the nlp extra)."),
    ] = False,
    spark_master: Annotated[
        str | None,
        typer.Option(
            help="Spark master URL (e.g. spark://host:7077); default: the standard Spark "
            "configuration, else local mode on every core."
        ),
    ] = None,
    memory_limit: Annotated[
        str, typer.Option(help="DuckDB's memory limit; beyond it, it spills to a temporary folder.")
    ] = "2500MB",
    value_sets: Annotated[
        Path | None,
        typer.Option(
            help="A folder of value sets (<id>.yaml or <id>.csv with system,code columns) that "
            "replace spinewise's lists of the same id: for example NCQA's licensed lists."
        ),
    ] = None,
) -> None:
    """Audit a population: low-value imaging (HEDIS LBP) and missed red flags."""
    try:
        from spinewise.population.audit import AuditError, run_audit_years
        from spinewise.population.engines import EngineError
    except ImportError:
        fail("the audit needs the audit extra: pip install 'spinewise[audit]' (or make audit)")

    if not export_dir.is_dir():
        fail(f"EXPORT_DIR: not a folder: {export_dir}")
    try:
        rulebook = load_rulebook(value_set_dir=value_sets) if value_sets else default_rulebook()
    except RulebookError as exc:
        fail(f"--value-sets: {exc}")
    try:
        rulebook.policy(policy)
    except UnknownPolicyError as exc:
        fail(f"--policy: {exc}")
    if notes:
        _nlp()  # a clear error now, not halfway through the export
    if engine is Engine.spark:
        try:
            import pyspark  # noqa: F401
        except ImportError:
            fail("--engine spark: PySpark is not installed (pip install 'spinewise[spark]')")
    elif spark_master:
        fail("--spark-master: only with --engine spark")
    if out.exists() and not out.is_dir():
        fail(f"--out: not a folder: {out}")
    try:
        with audit_progress() as progress:
            results = run_audit_years(export_dir, year, out, policy=policy, notes=notes,
                                      engine=engine.value, spark_master=spark_master,
                                      memory_limit=memory_limit, progress=progress,
                                      rulebook=rulebook)  # fmt: skip
    except (AuditError, EngineError) as exc:
        fail(str(exc))
    for result in results.values():
        s = result.summary
        typer.echo(
            f"{s['year']}: {s['episodes']} episodes, {s['denominator']} in the measure, "
            f"{s['imaged_within_28_days']} imaged within 28 days (HEDIS rate "
            f"{s['hedis_lbp_inverted_rate']}, not imaged; higher is better), "
            f"{s['low_value_imaging']} low-value, {s['missed_red_flags']} missed red flags; "
            f"{s['quarantined_lines']} lines quarantined."
        )
    typer.echo(f"Outputs in {out}: report.html, the patient lists (CSV), episodes.parquet")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            envvar="SPINEWISE_WORKERS",
            help="Worker processes (uvicorn); they share one decision log.",
        ),
    ] = 1,
) -> None:
    """Serve the clinician's page, the REST API, CDS Hooks and the handouts."""
    import uvicorn

    from spinewise.api import create_app
    from spinewise.api.app import ConfigurationError

    settings = _settings()
    try:
        application = create_app(settings)
    except (UnknownPolicyError, RulebookError, ConfigurationError) as exc:
        fail(str(exc))
    # The log opened, its key checked and its write lock taken once here: a wrong setting is
    # one line now, not a traceback from every worker.
    try:
        with DecisionLog.from_settings(settings) as log:
            log.check_writable()
            where = log.where
    except LogError as exc:
        fail(str(exc))
    text_log = settings.access_log == "text"
    # Stop reading a request head past twice the app's header limit (431 before memory); by
    # import path, so that every worker process builds it from the same settings.
    http = "spinewise.api.limits:settings_protocol"
    if workers > 1:
        from spinewise.api.sockets import PerWorkerSocket, spreads_connections

        # Each worker builds its own app from the same environment.
        config = uvicorn.Config(
            "spinewise.api:create_app",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            access_log=text_log,
            http=http,
        )
        sock: socket.socket
        if spreads_connections():
            try:
                sock = PerWorkerSocket.bind_to(host, port)
            except OSError as exc:
                fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
        else:
            sock = config.bind_socket()
    typer.echo(
        f"spinewise on http://{host}:{port}/ (policy {settings.policy}, decision log {where}, "
        f"{workers} worker{'s' if workers > 1 else ''})",
        err=True,
    )
    if workers == 1:
        uvicorn.run(application, host=host, port=port, access_log=text_log, http=http)
        return
    from uvicorn.supervisors import Multiprocess

    with _metrics_dir(), suppress(KeyboardInterrupt):
        Multiprocess(config, sockets=[sock]).run()


@contextmanager
def _metrics_dir() -> Iterator[None]:
    """Where the workers write their metrics for a scrape of any of them to add up: the
    operator's PROMETHEUS_MULTIPROC_DIR (emptied first, as prometheus-client asks), or a
    temporary folder for this run."""
    named = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if named:
        folder = Path(named)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink()
        yield
        return
    with tempfile.TemporaryDirectory(prefix="spinewise-metrics-") as folder_name:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder_name
        try:
            yield
        finally:
            del os.environ["PROMETHEUS_MULTIPROC_DIR"]


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        fail("settings: " + describe_validation_error(exc).removeprefix("invalid input: "))


def _open_log() -> DecisionLog:
    settings = _settings()
    if settings.log_url is None and not settings.log_path.exists():
        fail(
            f"no decision log at {settings.log_path} (set SPINEWISE_LOG_PATH or SPINEWISE_LOG_URL)"
        )
    try:
        return DecisionLog.from_settings(settings)
    except LogError as exc:
        fail(str(exc))


@log_app.command("verify")
def log_verify() -> None:
    """Check the hash chain; exit 1 naming the first broken row."""
    try:
        with _open_log() as log:
            result = log.verify()
    except LogError as exc:
        fail(str(exc))
    if not result.ok:
        typer.echo(f"spinewise: log broken: {result.problem}", err=True)
        raise typer.Exit(1)
    typer.echo(f"log ok: {result.rows} rows, head {result.head}")


class ExportFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


@log_app.command("export")
def log_export(
    output: Annotated[ExportFormat, typer.Option("--format", help="csv or jsonl.")] = (
        ExportFormat.jsonl
    ),
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file (default: stdout).")
    ] = None,
) -> None:
    """Write every row of the decision log as CSV or JSON lines."""
    try:
        with _open_log() as log:
            if out is None:
                log.export(sys.stdout, output.value)
                return
            # Written to a temporary name and renamed: an interrupted export leaves no half
            # file. Private, like the log it copies.
            partial = out.with_name(out.name + ".partial")
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                rows = log.export(handle, output.value)
            partial.replace(out)
    except LogError as exc:
        fail(str(exc))
    typer.echo(f"exported {rows} rows to {out}", err=True)


def main() -> None:
    """Console entry point."""
    app()
