"""Prometheus metrics (prometheus-client), served at `GET /metrics`.

Every label takes values from a small fixed set (route templates, decisions, policies, card
indicators, feedback outcomes), never from a request: no patient data, no identifiers, and a
caller cannot make the series grow without bound. With several workers (`serve --workers N`)
each process writes its values to files in `PROMETHEUS_MULTIPROC_DIR` (set by `serve` before the
workers start) and a scrape of any worker adds them up; with one process they live in memory.
"""

from __future__ import annotations

import bisect
import functools
import os
from collections.abc import Iterable, Mapping
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess

__all__ = [
    "CONTENT_TYPE",
    "cds_cards",
    "cds_feedback",
    "decision",
    "exposition",
    "log_committed",
    "request",
]

CONTENT_TYPE = CONTENT_TYPE_LATEST
#: Seconds, from a fast loopback answer to a slow upstream FHIR server.
LATENCY = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "spinewise_http_requests",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
)
REQUEST_SECONDS = Histogram(
    "spinewise_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by method and route template.",
    ["method", "route"],
    buckets=LATENCY,
)
DECISIONS = Counter(
    "spinewise_decisions",
    "Assessments committed to the decision log, by decision, urgency, policy and channel.",
    ["decision", "urgency", "policy", "channel"],
)
CDS_CARDS = Counter(
    "spinewise_cds_cards",
    "CDS Hooks cards returned, by hook and card indicator.",
    ["hook", "indicator"],
)
CDS_FEEDBACK = Counter(
    "spinewise_cds_feedback",
    "CDS Hooks card feedback recorded, by outcome.",
    ["outcome"],
)
LOG_APPEND_SECONDS = Histogram(
    "spinewise_decision_log_append_seconds",
    "Time from a row's submission to its durable commit in the decision log.",
    buckets=LATENCY,
)
LOG_COMMIT_ROWS = Histogram(
    "spinewise_decision_log_commit_rows",
    "Rows made durable together by one flush of the decision log (group commit).",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512),
)

# Label values outside these sets are counted as "other" (see module docstring).
CHANNELS = frozenset({"api", "page", "fhir", "cds-hooks", "smart"})
HOOKS = frozenset({"order-select", "order-sign"})
INDICATORS = frozenset({"info", "warning", "critical"})
OUTCOMES = frozenset({"accepted", "overridden"})


def _bounded(value: object, allowed: frozenset[str]) -> str:
    return value if isinstance(value, str) and value in allowed else "other"


# The series of a label set, looked up once: `labels()` costs more than the update itself
# (every request pays it). The label values are bounded (see the module docstring), so are
# these caches; the bound is a guard.
@functools.lru_cache(maxsize=1024)
def _request_series(method: str, route: str, status: int) -> tuple[Counter, Histogram]:
    return REQUESTS.labels(method, route, str(status)), REQUEST_SECONDS.labels(method, route)


@functools.lru_cache(maxsize=1024)
def _decision_series(decision: str, urgency: str | None, policy: str, channel: str) -> Counter:
    return DECISIONS.labels(decision, urgency or "none", policy, _bounded(channel, CHANNELS))


def request(method: str, route: str, status: int, seconds: float) -> None:
    """One HTTP request answered (`route` is the route template, never the raw path)."""
    count, duration = _request_series(method, route, status)
    count.inc()
    duration.observe(seconds)


def decision(decision: str, urgency: str | None, policy: str, channel: str) -> None:
    """One assessment committed to the decision log."""
    _decision_series(decision, urgency, policy, channel).inc()


def cds_cards(hook: str, cards: Iterable[Mapping[str, Any]]) -> None:
    """The cards of one CDS Hooks response."""
    for card in cards:
        CDS_CARDS.labels(_bounded(hook, HOOKS), _bounded(card.get("indicator"), INDICATORS)).inc()


def cds_feedback(outcome: str) -> None:
    """One card feedback item recorded."""
    CDS_FEEDBACK.labels(_bounded(outcome, OUTCOMES)).inc()


def log_committed(waits: list[float]) -> None:
    """One flush of the decision log: how long each of its rows waited from submission."""
    LOG_COMMIT_ROWS.observe(len(waits))
    _observe_each(LOG_APPEND_SECONDS, waits)


def _observe_each(histogram: Histogram, values: list[float]) -> None:
    """`histogram.observe(v)` for each value, with one update of its sum and one of each
    bucket that gains: with several workers every update is a write to a shared file, and a
    commit of 16 rows made 32 of them (the log's writer spent as long on them as on building
    the rows' entries). A test holds it to `observe`, value for value."""
    if not all(hasattr(histogram, a) for a in ("_upper_bounds", "_buckets", "_sum")):
        for value in values:  # another prometheus-client: its own way, one at a time
            histogram.observe(value)
        return
    counts: dict[int, int] = {}
    for value in values:  # the first bound at or above the value, as `observe` finds it
        bucket = bisect.bisect_left(histogram._upper_bounds, value)
        counts[bucket] = counts.get(bucket, 0) + 1
    for bucket, count in counts.items():
        histogram._buckets[bucket].inc(count)
    histogram._sum.inc(sum(values))


def exposition() -> bytes:
    """Every metric in the Prometheus text format: this process's, or all workers' added up."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)
