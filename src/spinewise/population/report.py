"""report.html: a self-contained page (inline SVG, no scripts, no network) that a quality lead
can put on a slide: the funnel, the monthly trend and the classes, with their definitions."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import escape

__all__ = ["render_report", "wilson"]


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a proportion."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def _bars(items: list[tuple[str, float, str]], width: int = 820, bar: int = 26) -> str:
    """A horizontal bar chart as SVG: (label, value, shown text)."""
    top = max((v for _, v, _ in items), default=1) or 1
    height = bar * len(items) + 10
    rows = []
    for i, (label, value, text) in enumerate(items):
        y = 5 + i * bar
        w = int((width - 420) * value / top)  # room on the right for the figures
        rows.append(
            f'<text x="0" y="{y + 17}" font-size="13">{label}</text>'
            f'<rect x="200" y="{y + 4}" width="{w}" height="{bar - 8}" fill="#0b4f8a"></rect>'
            f'<text x="{206 + w}" y="{y + 17}" font-size="12">{text}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">'
        + "".join(rows)
        + "</svg>"
    )


def _forest(rows: list[tuple[str, int, int]], overall: float, width: int = 820) -> str:
    """Rates with their 95% intervals as SVG, one row per group: (label, imaged, n), and a
    dashed line at the overall rate; small groups have wide intervals, and the plot shows it."""
    line = 24
    left, right = 260, width - 150
    height = line * len(rows) + 30

    def x(rate: float) -> float:
        return left + (right - left) * rate

    parts = [
        f'<line x1="{x(overall):.1f}" y1="0" x2="{x(overall):.1f}" y2="{height - 20}" '
        'stroke="#a50e0e" stroke-dasharray="4 3"></line>'
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(
            f'<text x="{x(tick):.1f}" y="{height - 4}" font-size="11" '
            f'text-anchor="middle">{tick:.0%}</text>'
        )
    for i, (label, imaged, n) in enumerate(rows):
        y = 12 + i * line
        low, high = wilson(imaged, n)
        rate = imaged / n if n else 0.0
        parts.append(
            f'<text x="0" y="{y + 4}" font-size="13">{escape(label)}</text>'
            f'<line x1="{x(low):.1f}" y1="{y}" x2="{x(high):.1f}" y2="{y}" stroke="#0b4f8a" '
            'stroke-width="2"></line>'
            f'<circle cx="{x(rate):.1f}" cy="{y}" r="4" fill="#0b4f8a"></circle>'
            f'<text x="{right + 10}" y="{y + 4}" font-size="12">{imaged}/{n} '
            f"({low:.0%}-{high:.0%})</text>"
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">'
        + "".join(parts)
        + "</svg>"
    )


def _by(episodes: list[dict[str, Any]], key: str, name: str) -> list[tuple[str, int, int]]:
    """(label, imaged within 28 days, episodes in the measure) per group, largest first."""
    groups: dict[str, list[int]] = {}
    for e in episodes:
        label = e.get(name) or e.get(key) or "(not recorded)"
        counts = groups.setdefault(str(label), [0, 0])
        counts[0] += bool(e["imaged"])
        counts[1] += 1
    return sorted(((k, v[0], v[1]) for k, v in groups.items()), key=lambda r: (-r[2], r[0]))


def render_report(summary: dict[str, Any], episodes: list[dict[str, Any]]) -> str:
    env = Environment(
        loader=PackageLoader("spinewise.population", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    denominator = [e for e in episodes if not e["excluded_reason"]]
    funnel = [
        ("Patients", summary["patients"], f"{summary['patients']:,}"),
        ("LBP episodes", summary["episodes"], f"{summary['episodes']:,}"),
        ("In the measure", summary["denominator"], f"{summary['denominator']:,}"),
        ("Imaged within 28 days", summary["imaged_within_28_days"],
         f"{summary['imaged_within_28_days']:,}"),
    ]  # fmt: skip
    classes = Counter(e["class"] for e in episodes)
    months: dict[str, list[int]] = {}
    for e in denominator:
        month = e["index_date"][:7]
        counts = months.setdefault(month, [0, 0])
        counts[0] += 1
        counts[1] += bool(e["imaged"])
    trend = []
    for month in sorted(months):
        n, imaged = months[month]
        low, high = wilson(imaged, n)
        trend.append((month, imaged / n, f"{imaged}/{n} imaged ({low:.0%}-{high:.0%})"))
    rate_low, rate_high = wilson(summary["imaged_within_28_days"], summary["denominator"])
    rate = summary["imaged_within_28_days"] / summary["denominator"] if denominator else 0.0
    template = env.get_template("report.html")
    return template.render(
        s=summary,
        funnel_svg=_bars(funnel),
        classes_svg=_bars([(c, n, f"{n:,}") for c, n in classes.most_common()]),
        trend_svg=_bars(trend),
        rate_ci=(rate_low, rate_high),
        missed=[e for e in episodes if e["class"] == "missed_red_flag"][:50],
        organizations_svg=_forest(_by(denominator, "organization", "organization_name")[:25], rate),
        practitioners_svg=_forest(_by(denominator, "practitioner", "practitioner_name")[:25], rate),
    )
