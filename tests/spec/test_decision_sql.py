"""Decision specs on the compiled SQL: every vignette and every policy spec case, under both
policies, decided by the rulebook compiled to SQL (compile.py) on DuckDB (all of them) and on
Spark (a sample), and compared with the reference engine: decision, urgency, the rules that
fired and the red flags that drove it."""

from __future__ import annotations

from typing import Any

import pytest

from spinewise import assess, default_rulebook
from spinewise.population.compile import decision_sql, explanation_sql
from spinewise.population.definition import in_dialect
from spinewise.population.engines import DuckDBEngine, Engine, SparkEngine
from tests.conftest import VIGNETTES, load_yaml
from tests.spec.test_spec import RAW, presentation

RB = default_rulebook()
POLICIES = ("seed", "acr")


def _presentations() -> list[tuple[str, dict[str, Any]]]:
    out = [(f"vignette {p.stem}", load_yaml(p)["presentation"]) for p in VIGNETTES]
    out += [(f"spec {policy}: {case['name']}", presentation(case)) for policy, case in RAW]
    return out


PRESENTATIONS = _presentations()
COLUMNS = [("id", "VARCHAR"), ("age", "DOUBLE"), *((fid, "BOOLEAN") for fid in RB.findings)]


def _decide(
    engine: Engine, presentations: list[tuple[str, dict[str, Any]]]
) -> dict[tuple[str, str], tuple[Any, ...]]:
    rows = [
        (
            name,
            None if p.get("age") is None else float(p["age"]),
            *(p.get("findings", {}).get(fid) for fid in RB.findings),
        )
        for name, p in presentations
    ]
    try:
        engine.table("presentations", COLUMNS, rows)
        out = {}
        for policy in POLICIES:
            decision, urgency = decision_sql(RB.policy(policy), RB)
            fired, flags = explanation_sql(RB.policy(policy), RB)
            query = (
                f"SELECT id, {decision} AS decision, {urgency} AS urgency, {fired} AS fired, "
                f"{flags} AS flags FROM presentations"
            )
            for row in engine.rows(in_dialect(query, engine.dialect)):
                out[(row["id"], policy)] = (
                    row["decision"],
                    row["urgency"],
                    row["fired"],
                    row["flags"],
                )
        return out
    finally:
        engine.close()


def _reference(
    presentations: list[tuple[str, dict[str, Any]]],
) -> dict[tuple[str, str], tuple[Any, ...]]:
    out = {}
    for name, p in presentations:
        for policy in POLICIES:
            result = assess(p, policy)
            out[(name, policy)] = (
                result.decision,
                result.urgency,
                " ".join(result.rules_fired),
                " ".join(result.red_flags),
            )
    return out


def test_every_case_on_duckdb_decides_as_the_reference_engine() -> None:
    assert len(PRESENTATIONS) >= 100
    got = _decide(DuckDBEngine(), PRESENTATIONS)
    want = _reference(PRESENTATIONS)
    wrong = {key: (got[key], want[key]) for key in want if got[key] != want[key]}
    assert not wrong, wrong


@pytest.mark.spark
def test_a_sample_on_spark_decides_as_the_reference_engine(spark: Any) -> None:
    sample = PRESENTATIONS[::5]
    got = _decide(SparkEngine(spark), sample)
    want = _reference(sample)
    wrong = {key: (got[key], want[key]) for key in want if got[key] != want[key]}
    assert not wrong, wrong
