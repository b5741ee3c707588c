"""The activity log: one row per skill call. It is the activity feed and the outcome store."""

from __future__ import annotations

import json
from typing import Any

from server.store import dumps

_SECRET_MARKERS = ("password", "secret", "token", "api_key", "apikey", "authorization", "credential", "smtp_pass")
SUMMARY_CHARS = 500


def redact(value: Any) -> Any:
    """Secrets never reach the log: any key that looks like one is masked, at any depth."""
    if isinstance(value, dict):
        return {
            k: "[redacted]" if any(m in k.lower() for m in _SECRET_MARKERS) else redact(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def summarize(output: Any) -> str:
    text = output if isinstance(output, str) else json.dumps(output, default=str, separators=(",", ":"))
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


async def write(
    tx: Any,
    *,
    ts: str,
    caller: str,
    run_id: str | None,
    skill: str,
    module_id: str | None,
    arguments: dict[str, Any],
    output_summary: str | None,
    status: str,
    outcome: str,
    error_kind: str | None,
    error: str | None,
    duration_ms: float,
    attempts: int,
) -> int:
    result = await tx.execute(
        "INSERT INTO activity (ts, caller, run_id, skill, module_id, input, output_summary, status, outcome,"
        " error_kind, error, duration_ms, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (ts, caller, run_id, skill, module_id, dumps(redact(arguments)), output_summary, status, outcome,
         error_kind, error, round(duration_ms, 3), attempts),
    )
    return int(result.lastrowid or 0)


async def recent(db: Any, *, since: str | None = None, skill: str | None = None, limit: int = 50) -> list[dict]:
    clauses, params = [], []
    if since:
        clauses.append("ts >= ?")
        params.append(since)
    if skill:
        clauses.append("skill = ?")
        params.append(skill)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return await db.fetchall(f"SELECT * FROM activity {where} ORDER BY id DESC LIMIT ?", (*params, limit))
