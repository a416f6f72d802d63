"""What a quality director reads and acts on: report.html (one self-contained page, no script,
no network: charts drawn by Vega-Lite through Altair and rendered to inline SVG by vl-convert)
and the patient-level lists beside it (CSV).

Every rate in the report is the HEDIS rate of the measure: the share of episodes in the measure
*not* imaged within 28 days; higher is better. Each organization and practitioner is placed
among the others (percentile of their rates) with its 95% Wilson interval; there is no external
benchmark."""

from __future__ import annotations

import math
import re
import threading
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from spinewise.rulebook import Rulebook

__all__ = [
    "CLASS_NAMES",
    "LISTS",
    "GroupRate",
    "group_rates",
    "group_table",
    "patient_lists",
    "percentile",
    "render_report",
    "wilson",
]

#: The classes in words, in the order a reader meets them.
CLASS_NAMES = {
    "missed_red_flag": "Missed red flag",
    "low_value_imaging": "Low-value imaging",
    "appropriate_imaging": "Imaged for a red flag",
    "no_imaging_needed": "Not imaged, none needed",
    "excluded": "Excluded from the measure",
}
CLASS_MEANINGS = {
    "missed_red_flag": "an urgent or emergency red flag not imaged within 2 days (counted "
    "whatever the HEDIS exclusions)",
    "low_value_imaging": "imaged within 28 days with no red flag known",
    "appropriate_imaging": "imaged within 28 days with a red flag",
    "no_imaging_needed": "no red flag calling for imaging and not imaged within 28 days",
    "excluded": "a HEDIS exclusion (the reason is in the list of exclusions)",
}
#: The patient-level lists written beside episodes.parquet: file name → (class, title).
LISTS = {
    "missed_red_flags.csv": ("missed_red_flag", "Missed red flags"),
    "low_value_imaging.csv": ("low_value_imaging", "Low-value imaging"),
    "exclusions.csv": ("excluded", "Exclusions by reason"),
}
BLUE, RED, GREY = "#0b4f8a", "#a50e0e", "#6b6b6b"
#: Chart widths in CSS pixels: the wide one for screens, the narrow one for phones.
WIDE, NARROW = 620, 300
SETTING = ["organization", "organization_name", "practitioner", "practitioner_name"]


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a proportion."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def percentile(value: float, others: Sequence[float]) -> float | None:
    """Where `value` stands among `others` (0-100): the share of them below it, ties counted
    half. None when there is nobody to compare with."""
    if not others:
        return None
    below = sum(1 for o in others if o < value)
    ties = sum(1 for o in others if o == value)
    return 100 * (below + ties / 2) / len(others)


@dataclass(frozen=True)
class GroupRate:
    """An organization's or practitioner's HEDIS rate among its peers."""

    id: str
    label: str
    episodes: int
    not_imaged: int
    rate: float
    low: float
    high: float
    #: Share of the other groups with a lower rate (higher is better), or None when alone.
    percentile: float | None


def _query(table: pa.Table, sql: str) -> list[tuple[Any, ...]]:
    """A small aggregate over the episodes (Arrow, read in place by DuckDB)."""
    import duckdb

    with duckdb.connect() as con:
        con.register("episodes", table)
        return con.execute(sql).fetchall()


def group_rates(table: pa.Table, key: str, name: str) -> list[GroupRate]:
    """The HEDIS rate of each group among the episodes in the measure, best rate first."""
    rows = _query(
        table,
        f"SELECT coalesce({key}, ''), max({name}), count(*), count(*) FILTER (WHERE NOT imaged) "
        f"FROM episodes WHERE excluded_reason IS NULL GROUP BY 1",
    )
    labels = {gid: label or gid or "(not recorded)" for gid, label, _, _ in rows}
    repeated = Counter(labels.values())
    rates = sorted(good / n for _, _, n, good in rows)
    out = []
    for gid, _, n, good in rows:
        rate = good / n
        label = labels[gid] if repeated[labels[gid]] == 1 else f"{labels[gid]} ({gid})"
        # Among the others: this group is one of the ties at its own rate.
        below = bisect_left(rates, rate)
        ties = bisect_right(rates, rate) - below - 1
        share = 100 * (below + ties / 2) / (len(rates) - 1) if len(rates) > 1 else None
        low, high = wilson(good, n)
        out.append(GroupRate(gid, label, n, good, rate, low, high, share))
    return sorted(out, key=lambda g: (-g.rate, -g.episodes, g.label))


# --- patient-level lists -------------------------------------------------------------------


def _safe_text(column: Any) -> Any:
    """Text a spreadsheet would take for a formula (=, +, -, @ first) starts with an apostrophe."""
    texts = column.cast(pa.string())
    risky = pc.match_substring_regex(texts, r"^[=+\-@\t\r]")
    return pc.if_else(
        pc.fill_null(risky, False), pc.binary_join_element_wise("'", texts, ""), texts
    )


def _flags(table: pa.Table, rb: Rulebook) -> tuple[list[str], list[str]]:
    """Per row: the red flags found (finding columns that are TRUE, in words) and, for each,
    the evidence the audit recorded (`evidence_<finding>` columns, where the engine made them)."""
    findings = [f for f in rb.findings if f in table.column_names]
    values = {f: table.column(f).to_pylist() for f in findings}
    evidence = {
        f: table.column(f"evidence_{f}").to_pylist()
        for f in findings
        if f"evidence_{f}" in table.column_names
    }
    flags, proofs = [], []
    for i in range(table.num_rows):
        present = [f for f in findings if values[f][i] is True]
        flags.append("; ".join(rb.short_label(f) for f in present))
        proofs.append(
            "; ".join(
                f"{rb.short_label(f)}: {evidence[f][i]}"
                for f in present
                if f in evidence and evidence[f][i]
            )
        )
    return flags, proofs


def patient_lists(table: pa.Table, rb: Rulebook) -> dict[str, pa.Table]:
    """The patient-level lists (file name → table): missed red flags with the flags and their
    evidence; low-value imaging; exclusions with the reason. Dates as dates, names in words."""
    out = {}
    for filename, (klass, _) in LISTS.items():
        rows = table.filter(pc.equal(table.column("class"), klass))
        if klass == "excluded":
            rows = rows.sort_by([("excluded_reason", "ascending"), ("patient", "ascending")])
        columns: dict[str, Any] = {"patient": rows.column("patient"),
                                   "index_date": rows.column("index_date")}  # fmt: skip
        if klass == "missed_red_flag":
            flags, proofs = _flags(rows, rb)
            columns |= {"red_flags": pa.array(flags, pa.string()),
                        "evidence": pa.array(proofs, pa.string()),
                        "urgency": rows.column("urgency"),
                        "excluded_reason": rows.column("excluded_reason")}  # fmt: skip
        if klass == "excluded":
            columns["reason"] = rows.column("excluded_reason")
        imaging = ("imaging_date", "days_to_imaging", "imaging_code", "imaging_source")
        columns |= {c: rows.column(c) for c in (*imaging, *SETTING)}
        for name, column in columns.items():
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                columns[name] = _safe_text(column)
        out[filename] = pa.table(columns)
    return out


# --- charts ------------------------------------------------------------------------------------


def warm_up() -> threading.Thread:
    """Start the chart renderer in the background: vl-convert's JavaScript engine takes about
    0.5 s to start and Altair about 0.3 s to import, time the audit spends in its engine."""
    thread = threading.Thread(target=_start_renderer, name="spinewise-charts", daemon=True)
    thread.start()
    return thread


def _start_renderer() -> None:
    import altair  # noqa: F401
    import vl_convert

    vl_convert.vegalite_to_svg({"mark": "point"})


def _vega(spec: dict[str, Any]) -> str:
    import vl_convert

    return str(vl_convert.vegalite_to_svg(spec))


_ID = re.compile(r'\bid="([^"]+)"')


def _svg(spec: dict[str, Any], key: str, label: str) -> str:
    """Inline SVG with its own ids (several charts share a page) and an accessible name; the
    marks inside are drawn, the name and the table beside the chart say it."""
    # Inline SVG in HTML needs no namespace declarations (and they look like addresses).
    svg = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", _vega(spec), count=2)
    for old in set(_ID.findall(svg)):
        svg = svg.replace(f'id="{old}"', f'id="{key}-{old}"').replace(
            f"url(#{old})", f"url(#{key}-{old})"
        )
    head = svg.index(">")
    return (
        svg[:head]
        + f' role="img" aria-label="{escape(label)}"'
        + svg[head : head + 1]
        + f"<title>{escape(label)}</title>"
        + svg[head + 1 :]
    )


def _config(width: int) -> dict[str, Any]:
    size = 13 if width >= WIDE else 12
    return {
        # vl-convert lays text out with the first of these it has (DejaVu Sans on Debian, the
        # widest of the usual ones): a browser's narrower font then fits where it measured.
        "font": "DejaVu Sans, Verdana, sans-serif",
        "padding": {"left": 6, "right": 6, "top": 4, "bottom": 4},
        "axis": {"labelFontSize": size, "titleFontSize": size, "labelLimit": width // 2 - 20},
        "view": {"stroke": None},
        "background": "white",
    }


def _figure(
    pool: ThreadPoolExecutor, make: Callable[[int], Any], key: str, label: str
) -> Callable[[], Markup]:
    """One chart drawn twice, for wide and for narrow screens (CSS shows one), in `pool`
    (vl-convert draws charts side by side); call the result for the markup."""
    # Validating each spec against the Vega-Lite schema costs 0.1 s a chart; the tests render
    # every chart, so a wrong spec fails there.
    wide = {**make(WIDE).to_dict(validate=False), "config": _config(WIDE)}
    narrow = {**make(NARROW).to_dict(validate=False), "config": _config(NARROW)}
    drawn = [pool.submit(_svg, wide, f"{key}-w", label),
             pool.submit(_svg, narrow, f"{key}-n", label)]  # fmt: skip
    return lambda: Markup(
        f'<div class="chart wide">{drawn[0].result()}</div>'
        f'<div class="chart narrow">{drawn[1].result()}</div>'
    )


def _bars(rows: list[tuple[str, int]], title: str, colour: str = BLUE) -> Callable[[int], Any]:
    import altair as alt

    data = alt.InlineData(values=[{"label": label, "n": n, "text": f"{n:,}"} for label, n in rows])

    def make(width: int) -> Any:
        base = alt.Chart(data).encode(
            y=alt.Y("label:N", sort=None, title=None),
            x=alt.X("n:Q", title=title, axis=alt.Axis(format=".2~s", tickCount=3)),
        )
        return (
            base.mark_bar(color=colour)
            + base.mark_text(align="left", dx=4, fontSize=12).encode(text="text:N")
        ).properties(width=width - 180 if width >= WIDE else width - 130, height=24 * len(rows))

    return make


def _rates(rows: list[dict[str, Any]], axis: str, overall: float | None) -> Callable[[int], Any]:
    """HEDIS rate with its 95% interval per row: {label, rate, low, high, text}."""
    import altair as alt

    data = alt.InlineData(values=rows)
    scale = alt.Scale(domain=[0, 1])

    def make(width: int) -> Any:
        wide = width >= WIDE
        base = alt.Chart(data).encode(y=alt.Y("label:N", sort=None, title=None))
        title = axis if wide else "HEDIS rate (higher is better)"
        x = alt.X("low:Q", scale=scale, title=title, axis=alt.Axis(format="%", tickCount=5))
        layers = [
            base.mark_rule(color=BLUE, strokeWidth=2).encode(x=x, x2="high:Q"),
            base.mark_point(filled=True, color=BLUE, size=60).encode(x=alt.X("rate:Q")),
        ]
        if overall is not None:
            line = alt.Chart(alt.InlineData(values=[{"rate": overall}]))
            layers.append(line.mark_rule(color=RED, strokeDash=[4, 3]).encode(x="rate:Q"))
        plot_width = width - (200 if wide else 120)
        return alt.layer(*layers).properties(width=plot_width, height=22 * max(len(rows), 1))

    return make


def _rate_row(label: str, good: int, n: int) -> dict[str, Any]:
    low, high = wilson(good, n)
    return {"label": label, "rate": good / n if n else 0.0, "low": low, "high": high,
            "n": n, "good": good}  # fmt: skip


# --- the page ----------------------------------------------------------------------------------


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("spinewise.population", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    env.filters["pct"] = lambda v, d=0: "" if v is None else f"{100 * v:.{d}f}%"
    env.filters["ordinal"] = _ordinal
    env.globals["zip"] = zip
    return env


def _ordinal(value: float | None) -> str:
    if value is None:
        return "alone: no peer"
    n = round(value)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _largest(groups: list[GroupRate], n: int) -> list[GroupRate]:
    """The n groups with most episodes, best rate first."""
    top = sorted(groups, key=lambda g: (-g.episodes, g.label))[:n]
    return sorted(top, key=lambda g: (-g.rate, -g.episodes, g.label))


def group_table(groups: list[GroupRate]) -> pa.Table:
    """Rates per organization or practitioner, as written to organizations.csv and
    practitioners.csv."""
    return pa.table({
        "id": pa.array([g.id for g in groups], pa.string()),
        "name": _safe_text(pa.array([g.label for g in groups], pa.string())),
        "episodes": pa.array([g.episodes for g in groups], pa.int64()),
        "not_imaged_within_28_days": pa.array([g.not_imaged for g in groups], pa.int64()),
        "hedis_rate": pa.array([round(g.rate, 4) for g in groups], pa.float64()),
        "ci95_low": pa.array([round(g.low, 4) for g in groups], pa.float64()),
        "ci95_high": pa.array([round(g.high, 4) for g in groups], pa.float64()),
        "percentile_among_others": pa.array(
            [None if g.percentile is None else round(g.percentile, 1) for g in groups],
            pa.float64()),
    })  # fmt: skip


def _missed_rows(table: pa.Table, rb: Rulebook, limit: int) -> list[dict[str, Any]]:
    rows = table.filter(pc.equal(table.column("class"), "missed_red_flag")).slice(0, limit)
    flags, proofs = _flags(rows, rb)
    shown = rows.select(["patient", "index_date", "urgency", "imaging_date", *SETTING])
    return [
        {**row, "flags": flag, "evidence": proof}
        for row, flag, proof in zip(shown.to_pylist(), flags, proofs, strict=True)
    ]


def render_report(
    summary: dict[str, Any],
    table: pa.Table,
    *,
    rulebook: Rulebook | None = None,
    years: Sequence[dict[str, Any]] = (),
    prefix: str = "",
    root: str = "",
) -> str:
    """report.html for one year from its summary and its episodes (as in episodes.parquet).
    `years` (the summaries of every year of a run over several) adds the rates by year;
    `prefix` is where this year's files are and `root` where the run's top folder is, seen
    from the page."""
    from spinewise.rulebook import default_rulebook

    rb = rulebook or default_rulebook()
    rate = summary.get("hedis_lbp_inverted_rate")
    good = summary["denominator"] - summary["imaged_within_28_days"]
    rate_ci = wilson(good, summary["denominator"])
    funnel = [
        ("Patients", summary["patients"]),
        ("Episodes of low back pain", summary["episodes"]),
        ("In the measure", summary["denominator"]),
        ("Not imaged within 28 days", good),
    ]
    classes = Counter(summary["classes"])
    class_rows = [(CLASS_NAMES[c], classes[c]) for c in CLASS_NAMES if classes.get(c)]
    reasons = _query(
        table,
        "SELECT excluded_reason, count(*) FROM episodes WHERE excluded_reason IS NOT NULL "
        "GROUP BY 1 ORDER BY 2 DESC, 1",
    )
    reason_rows = [(str(r)[:1].upper() + str(r)[1:], int(n)) for r, n in reasons]
    months = _query(
        table,
        "SELECT strftime(index_date, '%Y-%m'), count(*) FILTER (WHERE NOT imaged), count(*) "
        "FROM episodes WHERE excluded_reason IS NULL GROUP BY 1 ORDER BY 1",
    )
    month_rows = [_rate_row(m, good_m, n) for m, good_m, n in months]
    organizations = group_rates(table, "organization", "organization_name")
    practitioners = group_rates(table, "practitioner", "practitioner_name")
    axis = "Not imaged within 28 days (HEDIS rate; higher is better)"

    def forest(groups: list[GroupRate]) -> list[dict[str, Any]]:
        top = sorted(groups, key=lambda g: (-g.episodes, g.label))[:25]
        top.sort(key=lambda g: (-g.rate, g.label))
        return [_rate_row(g.label, g.not_imaged, g.episodes) for g in top]

    year_rows = [
        _rate_row(str(y["year"]), y["denominator"] - y["imaged_within_28_days"], y["denominator"])
        for y in years
    ]
    pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="spinewise-charts")
    futures = {
        "funnel": _figure(pool, _bars(funnel, "episodes or patients"), "funnel",
                          "From patients to the measure: " + ", ".join(
                              f"{k} {v:,}" for k, v in funnel)),
        "classes": _figure(pool, _bars(class_rows, "episodes"), "classes", "Episodes by class: "
                           + ", ".join(f"{k} {v:,}" for k, v in class_rows)),
        "reasons": _figure(pool, _bars(reason_rows, "episodes", GREY), "reasons",
                           "Exclusions by reason: " + ", ".join(
                               f"{k} {v:,}" for k, v in reason_rows)) if reason_rows else None,
        "months": _figure(pool, _rates(month_rows, axis, rate), "months",
                          "HEDIS rate by month of the index date, with 95% intervals"),
        "years": _figure(pool, _rates(year_rows, axis, None), "years",
                         "HEDIS rate by measurement year, with 95% intervals")
        if len(year_rows) > 1 else None,
        "organizations": _figure(pool, _rates(forest(organizations), axis, rate), "organizations",
                                 "HEDIS rate by organization, with 95% intervals"),
        "practitioners": _figure(pool, _rates(forest(practitioners), axis, rate), "practitioners",
                                 "HEDIS rate by practitioner, with 95% intervals"),
    }  # fmt: skip
    with pool:
        figures = {k: f() if f else "" for k, f in futures.items()}
    missed = _missed_rows(table, rb, 25)
    return (
        _environment()
        .get_template("report.html")
        .render(
            s=summary,
            rate=rate,
            rate_ci=rate_ci,
            figures=figures,
            funnel=funnel,
            class_rows=[
                (CLASS_NAMES[c], classes[c], CLASS_MEANINGS[c])
                for c in CLASS_NAMES
                if classes.get(c)
            ],
            reason_rows=reason_rows,
            month_rows=month_rows,
            year_rows=year_rows,
            years=years,
            organizations=_largest(organizations, 200),
            organizations_all=len(organizations),
            practitioners=_largest(practitioners, 200),
            practitioners_all=len(practitioners),
            missed=missed,
            lists=LISTS,
            prefix=prefix,
            root=root,
        )
    )
