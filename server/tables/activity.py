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
