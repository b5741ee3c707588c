"""A task's data checks (``Expect``) on the end state, each with what it found when it fails."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from evals.state import Row, State
from evals.task import Expect, Scalar


@dataclass(frozen=True, slots=True)
class CheckResult:
    ok: bool
    forbids: bool  # a "must not" check: a failure is an effect that should not have happened
    message: str


def run(expect: Expect, before: State, after: State) -> CheckResult:
    rows = after.added(expect.table, before) if expect.new else after.rows(expect.table)
    matched = [r for r in rows if _matches(r, expect)]
    what = describe(expect)
    low = expect.count if expect.count is not None else (expect.min if expect.min is not None else (
        0 if expect.max is not None else 1))
    high = expect.count if expect.count is not None else expect.max
    if len(matched) < low or (high is not None and len(matched) > high):
        wanted = f"exactly {high}" if low == high else (f"{low} to {high}" if high is not None else f"at least {low}")
        found = f"; found: {_sample(matched)}" if matched and high is not None and len(matched) > high else ""
        return CheckResult(False, expect.forbids, f"{what}: {wanted} row(s) wanted, {len(matched)} found{found}")
    for row in matched:
        for column, wanted_value in expect.fields.items():
            actual = _value(row, column)
            if not _equal(actual, wanted_value):
                return CheckResult(False, expect.forbids,
                                   f"{what}: {column} is {actual!r}, wanted {wanted_value!r} (row id {row.get('id')})")
    return CheckResult(True, expect.forbids, what)


def describe(expect: Expect) -> str:
    parts = [f"{k}={v!r}" for k, v in expect.where.items()] + [f"{k}~{v!r}" for k, v in expect.contains.items()]
    parts += [f"{k} filled" for k in expect.filled] + [f"{k} empty" for k in expect.empty]
    scope = "new " if expect.new else ""
    label = f"{scope}{expect.table}" + (f"[{', '.join(parts)}]" if parts else "")
    return f"{label} ({expect.why})" if expect.why else label


def _matches(row: Row, expect: Expect) -> bool:
    if not all(_equal(_value(row, k), v) for k, v in expect.where.items()):
        return False
    if not all(str(v).lower() in str(_value(row, k) or "").lower() for k, v in expect.contains.items()):
        return False
    if not all(str(_value(row, k) or "").strip() for k in expect.filled):
        return False
    return all(_value(row, k) in (None, "") for k in expect.empty)


def _value(row: Row, column: str) -> Any:
    """``column``, or ``column.key.key`` inside a JSON column."""
    name, _, path = column.partition(".")
    if name not in row:
        raise KeyError(f"no column {name!r}; columns: {', '.join(row)}")
    value = row[name]
    for key in path.split(".") if path else []:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return None
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _equal(actual: Any, wanted: Scalar | list[Scalar]) -> bool:
    if isinstance(wanted, list):
        return any(_equal(actual, w) for w in wanted)
    if wanted is None or actual is None:
        return actual is wanted
    if isinstance(wanted, bool):  # SQLite keeps booleans as 0 and 1
        return isinstance(actual, int | bool) and bool(actual) == wanted
    if isinstance(wanted, int | float) and isinstance(actual, int | float):
        return abs(float(actual) - float(wanted)) < 1e-6
    return str(actual) == str(wanted)


def _sample(rows: list[Row]) -> str:
    return "; ".join(json.dumps({k: v for k, v in r.items() if v not in (None, "")}, default=str)[:160]
                     for r in rows[:2])
