"""The metrics module's own logic (the metrics served are tested through the app in
tests/api/test_ops.py)."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry, Histogram

from spinewise.metrics import LATENCY, _observe_each

BOUNDS = LATENCY


@pytest.mark.parametrize(
    "values",
    [
        [],
        [0.0],
        [0.0005, 0.001, 0.0010001, 0.003, 0.003, 0.003, 10.0, 10.5, 99.0],  # on, past, +Inf
        [-1.0, 0.02, 0.02, 0.25, 5.0],
    ],
)
def test_observe_each_is_observe_value_for_value(values: list[float]) -> None:
    """One update per bucket and of the sum for a whole commit's rows gives the histogram
    that observing them one by one gives (prometheus-client's private fields are read: this
    test fails if a new version changes them)."""
    one, batch = CollectorRegistry(), CollectorRegistry()
    by_one = Histogram("h", "h", buckets=BOUNDS, registry=one)
    batched = Histogram("h", "h", buckets=BOUNDS, registry=batch)
    for value in values:
        by_one.observe(value)
    _observe_each(batched, values)

    def samples(registry: CollectorRegistry) -> list[tuple[str, dict[str, str], float]]:
        return [
            (s.name, s.labels, round(s.value, 9))
            for metric in registry.collect()
            for s in metric.samples
            if not s.name.endswith("_created")
        ]

    assert samples(batch) == samples(one)


def test_the_batched_path_is_the_one_taken() -> None:
    """The fields `_observe_each` reads are there (else it falls back to `observe` one value
    at a time, correct but slower): a new prometheus-client that renames them fails here."""
    histogram = Histogram("h", "h", buckets=BOUNDS, registry=CollectorRegistry())
    assert all(hasattr(histogram, a) for a in ("_upper_bounds", "_buckets", "_sum"))
