"""The activity log: one row per skill call. It is the activity feed and the outcome store."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from server.store import dumps
from skills.context import Database, Row

# Matched against the key with case, '-' and '_' ignored (apiKey, api-key, API_KEY, smtp_password...).
_SECRET_KEYS = ("password", "passwd", "passphrase", "smtppass", "secret", "token", "apikey", "authorization",
                "credential", "privatekey", "accesskey", "cookie")
# Secrets that turn up inside free text (an error message quoting a URL or a header).
_SECRET_TEXT = re.compile(
    r"(?i:\bbearer\s+)[\w.~+/=-]{8,}"                     # Authorization: Bearer <token>
    r"|(?P<user>://[^/\s:@]+:)[^/\s@]+(?=@)"               # https://user:password@host (the user is kept)
    r"|\b(?:sk|rk)[-_](?:live_|test_|proj-)?[A-Za-z0-9_-]{16,}"  # sk-..., sk_live_... API keys
    r"|\bgh[pousr]_[A-Za-z0-9]{20,}|\bxox[abposr]-[A-Za-z0-9-]{10,}|\bAKIA[0-9A-Z]{16}\b"
)
REDACTED = "[redacted]"
SUMMARY_CHARS = 500


@lru_cache(maxsize=4096)  # a few hundred distinct argument names; checked on every call
def _secret_key(key: str) -> bool:
    folded = key.lower().replace("_", "").replace("-", "")
    return any(marker in folded for marker in _SECRET_KEYS)


def _mask(match: re.Match[str]) -> str:
    return (match.group("user") or "") + REDACTED


def redact_text(text: str) -> str:
    return _SECRET_TEXT.sub(_mask, text)


def redact(value: Any) -> Any:
    """Secrets never reach the log: a key that names one is masked at any depth (numbers such as
    ``max_tokens`` are kept: they are counts, not credentials), and known secret shapes are
    masked inside any text."""
    if isinstance(value, dict):
        return {
            k: REDACTED if _secret_key(str(k)) and not isinstance(v, bool | int | float | None) else redact(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def summarize(output: Any) -> str:
    text = output if isinstance(output, str) else json.dumps(redact(output), default=str, separators=(",", ":"))
    text = redact_text(text)
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


async def write(
    tx: Database,
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
         error_kind, redact_text(error) if error else error, round(duration_ms, 3), attempts),
    )
    return int(result.lastrowid or 0)


async def recent(db: Database, *, since: str | None = None, skill: str | None = None, limit: int = 50) -> list[Row]:
    clauses, params = [], []
    if since:
        clauses.append("ts >= ?")
        params.append(since)
    if skill:
        clauses.append("skill = ?")
        params.append(skill)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return await db.fetchall(f"SELECT * FROM activity {where} ORDER BY id DESC LIMIT ?", (*params, limit))


# --- reads ------------------------------------------------------------------------------------

async def run_call_after(db: Database, run_id: str, after_id: int, skill: str) -> Row | None:
    """The first call of ``skill`` in ``run_id`` newer than ``after_id`` (one that already ran)."""
    return await db.fetchone(
        "SELECT id, status, error_kind, error, output_summary FROM activity "
        "WHERE run_id = ? AND id > ? AND skill = ? ORDER BY id LIMIT 1",
        (run_id, after_id, skill),
    )


async def run_watermark(db: Database, run_id: str) -> int:
    """The highest activity id of ``run_id`` (0 before its first call)."""
    return int(await db.fetchval("SELECT COALESCE(MAX(id), 0) FROM activity WHERE run_id = ?", (run_id,)) or 0)


async def latest_since(db: Database, since: str, limit: int) -> tuple[int, list[Row]]:
    """How many calls since ``since``, and the newest ``limit`` of them."""
    rows = await db.fetchall(
        "SELECT id, ts, caller, skill, status, outcome, error_kind, output_summary FROM activity WHERE ts >= ? "
        "ORDER BY id DESC LIMIT ?", (since, limit))
    total = await db.fetchval("SELECT COUNT(*) FROM activity WHERE ts >= ?", (since,))
    return int(total or 0), rows


async def busiest_skills(db: Database, since: str, limit: int) -> list[Row]:
    """``skill, calls, ok, bad`` for executed calls since ``since``, busiest first."""
    return await db.fetchall(
        "SELECT skill, COUNT(*) AS calls, SUM(CASE WHEN outcome = 'success' THEN 1 ELSE 0 END) AS ok,"
        " SUM(CASE WHEN outcome = 'negative' THEN 1 ELSE 0 END) AS bad FROM activity WHERE ts >= ? AND attempts > 0"
        " GROUP BY skill ORDER BY calls DESC, skill LIMIT ?",
        (since, limit))


async def frequent_errors(db: Database, since: str, limit: int) -> list[Row]:
    """``skill, error_kind, n`` of the commonest errors since ``since``."""
    return await db.fetchall(
        "SELECT skill, error_kind, COUNT(*) AS n FROM activity WHERE ts >= ? AND status = 'error' "
        "GROUP BY skill, error_kind ORDER BY n DESC, skill LIMIT ?", (since, limit))


# Served by the activity_eval index (ts, skill, outcome); status and attempts come from the row.
USAGE_SQL = (
    "SELECT skill, COUNT(*) AS uses, MAX(ts) AS last_used FROM activity "
    "WHERE ts >= ? AND status IN ('ok', 'error') AND attempts > 0 GROUP BY skill"
)


async def usage_since(db: Database, since: str) -> list[Row]:
    """``skill, uses, last_used`` of the calls that ran (not refused) since ``since``."""
    return await db.fetchall(USAGE_SQL, (since,))


@lru_cache(maxsize=8)
def negative_rate_sql(scored: tuple[str, ...]) -> str:
    """Per-skill ``calls`` and ``negatives`` among ``scored`` outcomes, for skills over a sample size and a rate.

    Served by the covering index activity(skill, ts, outcome) (schema v2): groups come out in skill
    order with no sort, and no table row is read; with fresh statistics SQLite skip-scans to the window.
    """
    return (
        "SELECT skill, COUNT(*) AS calls, SUM(CASE WHEN outcome = 'negative' THEN 1 ELSE 0 END) AS negatives"
        " FROM activity "
        f"WHERE ts >= ? AND outcome IN ({', '.join(repr(s) for s in scored)}) GROUP BY skill "
        "HAVING COUNT(*) >= ? AND SUM(CASE WHEN outcome = 'negative' THEN 1 ELSE 0 END) * 1.0 / COUNT(*) > ?"
        " ORDER BY skill"
    )


async def negative_rates(db: Database, *, scored: tuple[str, ...], since: str, min_calls: int,
                         min_rate: float) -> list[Row]:
    """``skill, calls, negatives`` of skills with ``min_calls`` scored calls since ``since`` and a
    negative share above ``min_rate``, by skill."""
    return await db.fetchall(negative_rate_sql(scored), (since, min_calls, min_rate))
