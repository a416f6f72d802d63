"""The rulebook, compiled to SQL: finding columns (tri-state BOOLEAN, NULL = unknown) in, the
policy's decision and urgency out. SQL's AND/OR over NULL are Kleene's three-valued logic, the
reference engine's own, so a rule fires exactly when its condition is TRUE."""

from __future__ import annotations

from spinewise.model import URGENCY_ORDER, AgeRange, AllOf, AnyOf, Policy, When
from spinewise.rulebook import Rulebook

__all__ = ["age_flag_sql", "condition_sql", "decision_sql", "explanation_sql"]


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a plain identifier: {name!r}")
    return f'"{name}"'


def _age_sql(age: AgeRange, column: str = '"age"') -> str:
    parts = []
    for op, value in ((">", age.gt), (">=", age.ge), ("<", age.lt), ("<=", age.le)):
        if value is not None:
            parts.append(f"{column} {op} {value:g}")
    # NULL age → NULL flag: unknown, never absent.
    return "(" + " AND ".join(parts) + ")"


def age_flag_sql(rb: Rulebook) -> dict[str, str]:
    """Each age flag as a SQL expression over the `age` column."""
    return {flag.id: _age_sql(flag.age) for flag in rb.age_flags.values()}


def condition_sql(when: When, rb: Rulebook) -> str:
    if isinstance(when, str):
        return _age_sql(rb.age_flags[when].age) if when in rb.age_flags else _ident(when)
    joiner, parts = (" OR ", when.any) if isinstance(when, AnyOf) else (" AND ", when.all)
    assert isinstance(when, AnyOf | AllOf)
    return "(" + joiner.join(condition_sql(part, rb) for part in parts) + ")"


def decision_sql(policy: Policy, rb: Rulebook) -> tuple[str, str]:
    """(decision expression, urgency expression) for one policy."""
    image_rules = [r for r in policy.rules if r.decision == "image"]
    fired = {r.id: f"COALESCE({condition_sql(r.when, rb)}, FALSE)" for r in image_rules}
    any_image = " OR ".join(fired.values()) or "FALSE"
    required = [
        '"age" IS NULL' if ref == "age" else f"{_ident(ref)} IS NULL" for ref in policy.required
    ]
    open_question = " OR ".join(required) or "FALSE"
    decision = (
        f"CASE WHEN {any_image} THEN 'image' "
        f"WHEN {open_question} THEN 'incomplete' ELSE 'conservative' END"
    )
    whens = []
    for urgency in URGENCY_ORDER:
        rules = [fired[r.id] for r in image_rules if r.urgency == urgency]
        if rules:
            whens.append(f"WHEN {' OR '.join(rules)} THEN '{urgency}'")
    urgency_sql = f"CASE {' '.join(whens)} ELSE NULL END" if whens else "NULL"
    return decision, urgency_sql


def _leaf_paths(when: When, rb: Rulebook, path: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(leaf ref, the SQL that is TRUE when the leaf makes this condition true): every part on
    the way down must be true itself (the reference engine's `because`)."""
    if isinstance(when, str):
        return [(when, " AND ".join(path) or "TRUE")]
    parts = when.any if isinstance(when, AnyOf) else when.all
    out = []
    for part in parts:
        here = f"COALESCE({condition_sql(part, rb)}, FALSE)"
        out += _leaf_paths(part, rb, (*path, here))
    return out


def explanation_sql(policy: Policy, rb: Rulebook) -> tuple[str, str]:
    """(rules fired, red flags): each a space-separated list, as the reference engine lists
    them: every rule whose condition is true, in the policy's order; the findings and age
    flags that made an image rule true, in catalogue order."""
    fired = {r.id: f"COALESCE({condition_sql(r.when, rb)}, FALSE)" for r in policy.rules}
    rules = ", ".join(f"CASE WHEN {fired[r.id]} THEN '{r.id}' END" for r in policy.rules)
    because: dict[str, list[str]] = {}
    for rule in policy.rules:
        if rule.decision != "image":
            continue
        for ref, path in _leaf_paths(rule.when, rb):
            because.setdefault(ref, []).append(f"({fired[rule.id]} AND {path})")
    order = [*rb.findings, *rb.age_flags]
    flags = ", ".join(
        f"CASE WHEN {' OR '.join(because[ref])} THEN '{ref}' END" for ref in order if ref in because
    )
    return f"concat_ws(' ', {rules})", f"concat_ws(' ', {flags})"
