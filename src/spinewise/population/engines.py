"""The two engines the audit runs on. Each reads the NDJSON files natively (one row per line,
each line parsed once with the explicit schema of schema.py), holds the small tables from the
knowledge files, and materialises the steps of the one definition (audit.sql)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from spinewise.population.definition import PATIENT_REF
from spinewise.population.schema import READ_TYPES, SCHEMAS, duckdb_structure, spark_ddl

__all__ = ["DuckDBEngine", "Engine", "EngineError", "SparkEngine", "spark_session"]


class EngineError(RuntimeError):
    """The engine failed (out of memory, a lost worker...): said in one line."""


#: A small table: its name, (column, SQL type) pairs, and rows.
Columns = Sequence[tuple[str, str]]


class Engine(Protocol):
    name: str
    dialect: str

    def read(self, paths: Sequence[Path], notes: bool) -> None: ...
    def table(self, name: str, columns: Columns, rows: Sequence[tuple[Any, ...]]) -> None: ...
    def step(self, name: str, sql: str, reused: bool = True) -> None: ...
    def rows(self, sql: str) -> list[dict[str, Any]]: ...
    def arrow(self, sql: str) -> pa.Table: ...
    def close(self) -> None: ...


def _parsed_sql(source: str, rtype: str, from_json: dict[str, str]) -> str:
    """The `parsed` step: per line its id, file, the type its file name says, the type it says,
    its text only when it is not a resource of that type (to quarantine it), and one struct
    column per resource type read."""
    read = ", ".join(f"'{t}'" for t in READ_TYPES)
    mismatch = f"(rtype IS NULL OR (rtype <> expected AND expected IN ({read})))"
    columns = ",\n".join(
        f"CASE WHEN rtype = '{t}' AND NOT {mismatch} THEN from_json(text, '{schema}') END AS r_{t}"
        for t, schema in from_json.items()
    )
    references = [f"r_{t}.subject.reference" for t in from_json if "subject" in SCHEMAS[t]]
    references += [f"r_{t}.beneficiary.reference" for t in from_json if "beneficiary" in SCHEMAS[t]]
    subject = f"coalesce({', '.join(references)})" if references else "CAST(NULL AS VARCHAR)"
    patient = PATIENT_REF.replace("X", subject)
    return (
        f"SELECT *, {patient} AS patient FROM (\n"
        f"SELECT lid, file, expected, rtype, CASE WHEN {mismatch} THEN text END AS bad_text,\n"
        f"{columns}\nFROM (SELECT *, {rtype} AS rtype FROM {source}) lines) parsed_lines"
    )


RTYPE_DUCKDB = "CASE WHEN json_valid(text) THEN json_extract_string(text, '$.resourceType') END"


class DuckDBEngine:
    """Embedded DuckDB: an in-memory database spilling to a temporary folder."""

    name = dialect = "duckdb"

    def __init__(self, memory_limit: str | None = None, threads: int | None = None) -> None:
        import duckdb

        # Beyond the memory limit DuckDB spills to this folder, removed on close.
        self.spill = tempfile.mkdtemp(prefix="spinewise-duckdb-")
        config: dict[str, Any] = {"temp_directory": self.spill}
        if memory_limit:
            config["memory_limit"] = memory_limit
        if threads:
            config["threads"] = threads
        try:
            self.con = duckdb.connect(config=config)
        except duckdb.Error as exc:
            shutil.rmtree(self.spill, ignore_errors=True)
            raise ValueError(str(exc).splitlines()[0]) from None

    def read(self, paths: Sequence[Path], notes: bool) -> None:
        # The files named for a type read only that type (a line of another type there is
        # quarantined), so each such group becomes a narrow table with one struct column;
        # materialising one wide table of 15 mostly-NULL struct columns cost more than
        # parsing. Files named otherwise are read for every type. `parsed` is their union.
        groups: dict[str, list[Path]] = {}
        for path in paths:
            kind = path.name.split(".")[0]
            groups.setdefault(kind if kind in READ_TYPES else "", []).append(path)
        views, offset = [], 0
        for k, (kind, files) in enumerate(sorted(groups.items())):
            schemas = {t: duckdb_structure(t, notes) for t in ((kind,) if kind else READ_TYPES)}
            self.step(f"parsed_{k}", _parsed_sql(self._lines(files), RTYPE_DUCKDB, schemas))
            # Line ids from the tables' own row ids: a row_number() over the whole export
            # would number the lines on one thread (0.9 s of 2.4 s for 100,000 patients).
            views.append(f"SELECT * REPLACE (rowid + {offset} AS lid) FROM parsed_{k}")
            offset += int(self._run("reading the export",
                                    f"SELECT count(*) FROM parsed_{k}").fetchone()[0])  # fmt: skip
        # Every type's column exists even when the export has no file of that type (no rows:
        # the union by name gives them their struct type, NULL elsewhere).
        empty = "(SELECT 0 AS lid, '' AS text, '' AS file, '' AS expected WHERE FALSE)"
        every = {t: duckdb_structure(t, notes) for t in READ_TYPES}
        self.step("parsed_none", _parsed_sql(empty, RTYPE_DUCKDB, every))
        views.append("SELECT * FROM parsed_none")
        union = " UNION ALL BY NAME ".join(views)
        self._run("reading the export", f"CREATE OR REPLACE TEMP VIEW parsed AS {union}")

    @staticmethod
    def _lines(paths: Sequence[Path]) -> str:
        """Each line as one text column: inputs.scan has left no control character (so the
        \x01 delimiter never splits a line), no invalid UTF-8 and one kind of line end per file."""
        names = ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)
        return (
            f"(SELECT 0 AS lid, ltrim(text, chr(65279)) AS text, "
            f"regexp_extract(filename, '([^/\\\\]+)$', 1) AS file, "
            f"split_part(regexp_extract(filename, '([^/\\\\]+)$', 1), '.', 1) AS expected "
            f"FROM read_csv([{names}], columns={{'text': 'VARCHAR'}}, header=false, "
            f"delim='\x01', quote='', escape='', filename=true, auto_detect=false, "
            f"max_line_size=536870912) WHERE trim(text, ' \t') <> '')"
        )

    def table(self, name: str, columns: Columns, rows: Sequence[tuple[Any, ...]]) -> None:
        spec = ", ".join(f"{c} {t}" for c, t in columns)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({spec})")
        if rows:
            # Through Arrow: `executemany` binds row by row (0.2 s for the knowledge's codes).
            data = pa.table({c: pa.array([row[k] for row in rows]) for k, (c, _) in
                             enumerate(columns)})  # fmt: skip
            self.con.register("spinewise_rows", data)
            try:
                self.con.execute(f"INSERT INTO {name} SELECT * FROM spinewise_rows")
            finally:
                self.con.unregister("spinewise_rows")

    def step(self, name: str, sql: str, reused: bool = True) -> None:
        self._run(name, f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def _run(self, step: str, sql: str) -> Any:
        import duckdb

        try:
            return self.con.execute(sql)
        except duckdb.Error as exc:
            raise EngineError(f"duckdb, step {step}: {_one_line(exc)}") from None

    def rows(self, sql: str) -> list[dict[str, Any]]:
        cursor = self._run("collecting", sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def arrow(self, sql: str) -> pa.Table:
        import duckdb

        try:
            return self.con.sql(sql).to_arrow_table()
        except duckdb.Error as exc:
            raise EngineError(f"duckdb, step collecting: {_one_line(exc)}") from None

    def close(self) -> None:
        self.con.close()
        shutil.rmtree(self.spill, ignore_errors=True)


def spark_session(master: str | None = None) -> Any:
    """A Spark session: `master` if given, else the standard Spark configuration
    (spark-defaults, SPARK_MASTER, spark-submit), else local mode on every core."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("spinewise-audit")
    master = master or os.environ.get("SPARK_MASTER") or "local[*]"
    builder = builder.master(master)
    if master.startswith("local"):
        # Local mode runs the whole job in the driver's JVM, whose default heap (1 GiB) ran
        # out at 1M patients, and, short of memory, once left an Arrow collect waiting for a
        # thread that had died (a hang, not an error); SPARK_DRIVER_MEMORY overrides.
        builder = builder.config("spark.driver.memory", os.environ.get("SPARK_DRIVER_MEMORY", "3g"))
    builder = (
        builder.config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        # The driver keeps every query's plan graph and metrics for the UI (1,000 queries by
        # default), even with the UI off; the audit's plans are large, and a long-lived
        # session (the test suite's) filled its heap with them until it spent its time in
        # garbage collection. The last few are enough.
        .config("spark.sql.ui.retainedExecutions", "5")
        .config("spark.ui.retainedJobs", "20")
        .config("spark.ui.retainedStages", "20")
        .config("spark.ui.retainedTasks", "1000")
    )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkEngine:
    """PySpark: local mode on one machine, or any cluster the session is connected to."""

    name = dialect = "spark"

    def __init__(self, session: Any | None = None, master: str | None = None) -> None:
        self.spark = session or spark_session(master)
        # Lenient like DuckDB's TRY_CAST and list access: a missing element is NULL, not an
        # error (Spark 4 turns ANSI mode on by default).
        self.spark.conf.set("spark.sql.ansi.enabled", "false")
        # Spark writes every query's plan out as text for its listeners; the plans of the
        # audit's last steps hold the whole lineage, and their text alone ran the driver out
        # of memory: it is cut short instead (nothing reads it but a UI).
        self.spark.conf.set("spark.sql.maxPlanStringLength", "100000")
        self.views: list[str] = []

    def read(self, paths: Sequence[Path], notes: bool) -> None:
        from pyspark.sql import functions as F

        # Lines end at \n only (Hadoop's default also ends them at a lone \r), as DuckDB's
        # reader and inputs.scan count them.
        raw = (
            self.spark.read.option("lineSep", "\n")
            .text([p.resolve().as_uri() for p in paths])
            .select(F.col("value").alias("text"), F.input_file_name().alias("path"))
        )
        self._view("raw_lines", raw)
        # As DuckDB reads them: no \r before the line feed, no byte order mark.
        lines = (
            "(SELECT monotonically_increasing_id() AS lid, "
            "trim(LEADING '\\uFEFF' FROM trim(TRAILING '\\r' FROM text)) AS text, "
            "regexp_extract(path, '([^/]+)$', 1) AS file, "
            "split_part(regexp_extract(path, '([^/]+)$', 1), '.', 1) AS expected "
            "FROM raw_lines WHERE trim(BOTH ' \\t\\r' FROM text) <> '')"
        )
        # from_json, not get_json_object: the latter accepts raw control characters in strings
        # and single quotes, which DuckDB's parser (and JSON) reject.
        # Jackson also reads an object followed by more text; DuckDB's parser does not.
        rtype = (
            "CASE WHEN rtrim(text) LIKE '%}' THEN from_json(text, 'struct<resourceType:string>', "
            "map('allowSingleQuotes', 'false')).resourceType END"
        )
        schemas = {t: spark_ddl(t, notes) for t in READ_TYPES}
        self.step("parsed", _parsed_sql(lines, rtype, schemas))

    def _view(self, name: str, frame: Any) -> None:
        frame.createOrReplaceTempView(name)
        self.views.append(name)

    def table(self, name: str, columns: Columns, rows: Sequence[tuple[Any, ...]]) -> None:
        types = {
            "VARCHAR": "string",
            "BOOLEAN": "boolean",
            "INTEGER": "int",
            "DOUBLE": "double",
            "DATE": "date",
        }
        schema = ", ".join(f"{c} {types[t]}" for c, t in columns)
        self._view(name, self.spark.createDataFrame(list(rows), schema=schema))

    def step(self, name: str, sql: str, reused: bool = True) -> None:
        # A step two later steps read is computed once and kept (as DuckDB's temporary
        # tables are); the others stay views, planned into the steps that read them. Kept as
        # a local checkpoint, not CACHE TABLE: a cached table keeps its whole lineage, which
        # every later step re-analysed and matched against the cache (a trivial step took 9 s,
        # an audit of 240 patients 4 to 5 minutes); a checkpoint reads as a table of rows. On
        # a cluster it has no lineage to rebuild from: an executor lost mid-run fails the
        # audit (one line naming the step), which is run again.
        with _said(name):
            if reused:
                self._view(name, self.spark.sql(sql).localCheckpoint(eager=True))
            else:
                self._view(name, self.spark.sql(sql))

    def rows(self, sql: str) -> list[dict[str, Any]]:
        with _said("collecting"):
            return [row.asDict() for row in self.spark.sql(sql).collect()]

    def arrow(self, sql: str) -> pa.Table:
        with _said("collecting"):
            return self.spark.sql(sql).toArrow()

    def close(self) -> None:
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException

        try:
            self._clear()
        except (PySparkException, Py4JError):  # a dead JVM has nothing left to clear
            self.views.clear()

    def _clear(self) -> None:
        # Only the views go: nothing was cached (a session the caller passed keeps its own
        # cache); a checkpoint's rows are freed by Spark's cleaner at the driver's next garbage
        # collection once no view holds them (spark.cleaner.periodicGC.interval at the latest).
        for name in reversed(self.views):
            self.spark.catalog.dropTempView(name)
        self.views.clear()


def _one_line(exc: Exception) -> str:
    """An engine's error in one line without the input it quotes: DuckDB's messages carry the
    offending line ("Original Line: ...", "Input: ..."), which is patient data."""
    first = next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
    for marker in ("Original Line", "Input:", "input:", '"', "'"):
        first = first.split(marker, 1)[0]
    hint = " (raise --memory-limit?)" if "Out of Memory" in first else ""
    return first.strip().rstrip(":").strip()[:300] + hint


@contextmanager
def _said(step: str) -> Iterator[None]:
    """Spark's failures (a Java stack trace, a lost JVM) as one line naming the step."""
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    try:
        yield
    except (PySparkException, Py4JError) as exc:
        hint = ""
        if "OutOfMemoryError" in str(exc) or isinstance(exc, Py4JError):
            hint = " (out of memory? set SPARK_DRIVER_MEMORY or spark.driver.memory)"
        raise EngineError(f"spark, step {step}: {_one_line(exc)}{hint}") from None
