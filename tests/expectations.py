"""Compare an assessment (as JSON) with the expected outcome of a vignette or spec case."""

from __future__ import annotations

from typing import Any


def check(result: dict[str, Any], expected: dict[str, Any], where: str) -> None:
    """Fail with a message naming the case and the field that differs."""
    strong = {c["id"] for c in result["suspected_conditions"] if c["strength"] == "strong"}
    weak = {c["id"] for c in result["suspected_conditions"] if c["strength"] == "weak"}
    imaging = result["imaging"]
    actual = {
        "decision": result["decision"],
        "urgency": result["urgency"],
        "conditions": strong,
        "weak_conditions": weak,
        "study": imaging["study"] if imaging else None,
        "unanswered": result["unanswered"],
    }
    wanted = {
        "decision": expected["decision"],
        "urgency": expected["urgency"],
        "conditions": set(expected["conditions"]),
        "weak_conditions": set(expected.get("weak_conditions", [])),
        "study": expected["study"],
        "unanswered": expected.get("unanswered", []),
    }
    if "also" in expected:
        actual["also"] = imaging["also"] if imaging else []
        wanted["also"] = expected["also"]
    if "rules_fired" in expected:
        actual["rules_fired"] = result["rules_fired"]
        wanted["rules_fired"] = expected["rules_fired"]
    if "red_flags" in expected:
        actual["red_flags"] = result["red_flags"]
        wanted["red_flags"] = expected["red_flags"]
    diffs = [
        f"{k}: expected {wanted[k]!r}, got {actual[k]!r}" for k in wanted if actual[k] != wanted[k]
    ]
    assert not diffs, f"{where}: " + "; ".join(diffs)
