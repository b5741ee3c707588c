"""The activity log: one row per skill call. It is the activity feed and the outcome store.

Housekeeping that found nothing to do (an automation's or a platform job's call whose outcome is
``no_effect`` or ``neutral``: the outbox was empty, nothing was due) is counted, not listed: it adds
to today's ``activity_daily`` row of its skill, the summary retention folds old days into. An idle
instance would otherwise write a row every minute per dispatcher, thousands a day, and drown the
owner's own actions. Anything that did something, or failed, is a row as always.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from server.store import dumps
from skills.context import Database, Row
from skills.paging import Filters, fetch_page

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
# What one row may hold: a 1 MB argument is kept as its first 16 KB, marked, not as a 1 MB row.
INPUT_CHARS = 16_384
ERROR_CHARS = 2_000
TRUNCATED = "_truncated"


CACHED_KEY_CHARS = 64  # argument names are short; a longer key (hostile input) is scanned, never kept


@lru_cache(maxsize=4096)  # a few hundred distinct argument names; checked on every call
def _scan_key(key: str) -> tuple[str, bool]:
    folded = key.lower().replace("_", "").replace("-", "")
    return redact_text(key), any(marker in folded for marker in _SECRET_KEYS)


def _key(key: str) -> tuple[str, bool]:
    """A key as the log shows it (a token used as a key is masked like any text), and whether it
    names a secret."""
    return _scan_key(key) if len(key) <= CACHED_KEY_CHARS else _scan_key.__wrapped__(key)


def _mask(match: re.Match[str]) -> str:
    return (match.group("user") or "") + REDACTED


def redact_text(text: str) -> str:
    return _SECRET_TEXT.sub(_mask, text)


def redact(value: Any) -> Any:
    """Secrets never reach the log: a key that names one is masked at any depth (numbers such as
    ``max_tokens`` are kept: they are counts, not credentials), and known secret shapes are
    masked inside any text."""
    if isinstance(value, dict):
        redacted = {}
        for k, v in value.items():
            shown, secret = _key(k) if isinstance(k, str) else (k, _key(str(k))[1])
            redacted[shown] = REDACTED if secret and not isinstance(v, bool | int | float | None) else redact(v)
        return redacted
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def stored_input(arguments: dict[str, Any]) -> str:
    """The arguments as the row keeps them: redacted JSON, or past ``INPUT_CHARS`` a JSON object
    saying so (``_truncated``) with the start of the text in ``head``."""
    text = dumps(redact(arguments))
    if len(text) <= INPUT_CHARS:
        return text
    marker = f"input of {len(text):,} characters; only the first {INPUT_CHARS // 1024} KB are kept"
    return dumps({TRUNCATED: marker, "head": text[: INPUT_CHARS - 200]})


HOUSEKEEPING = frozenset({"automation", "system"})
QUIET_OUTCOMES = frozenset({"no_effect", "neutral"})


def quiet(caller: str, status: str, outcome: str) -> bool:
    """Whether a call is housekeeping that found nothing to do: counted, not listed (module docstring)."""
    return caller in HOUSEKEEPING and status == "ok" and outcome in QUIET_OUTCOMES


def _capped(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summarize(output: Any) -> str:
    # One pass: redact() already masks every key and text inside, so the JSON needs no second scan
    # (a scan of the whole dump was a tenth of a read-only call's executor time).
    if isinstance(output, str):
        text = redact_text(output)
    else:
        text = json.dumps(redact(output), default=lambda o: redact_text(str(o)), separators=(",", ":"))
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
    caller_name: str | None = None,
    counted_only: bool = False,
) -> int:
    """One call's row, and its id: ``caller`` is the kind (mcp, cli, pilot...), ``caller_name`` who (a
    token's name). With ``counted_only`` (quiet housekeeping: see ``quiet``) only today's count goes
    up, and the id is 0."""
    if counted_only:
        await tx.execute(
            f"INSERT INTO activity_daily ({DAILY_COLUMNS}) VALUES (?, ?, 1, 0, 1, 0, 0, ?, '{{}}') "
            "ON CONFLICT (day, skill) DO UPDATE SET calls = activity_daily.calls + 1, ok = activity_daily.ok + 1, "
            "duration_ms = activity_daily.duration_ms + excluded.duration_ms", (ts[:10], skill, round(duration_ms, 3)))
        return 0
    result = await tx.execute(
        "INSERT INTO activity (ts, caller, run_id, skill, module_id, input, output_summary, status, outcome,"
        " error_kind, error, duration_ms, attempts, caller_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (ts, caller, run_id, skill, module_id, stored_input(arguments), output_summary, status, outcome,
         error_kind, _capped(redact_text(error), ERROR_CHARS) if error else error, round(duration_ms, 3), attempts,
         caller_name),
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

async def page(db: Database, *, caller: str | None = None, skill: str | None = None, status: str | None = None,
               limit: int = 50, offset: int = 0, housekeeping: bool = True) -> tuple[list[Row], int]:
    """One page of the feed, newest first, filtered by caller, skill and status: ``(rows, total)``.
    ``housekeeping=False`` leaves out the platform's successful runs (automations, jobs): a person's
    actions, the agent's and every failure stay."""
    filters = Filters().add("caller = ?", caller).add("skill = ?", skill).add("status = ?", status)
    if not housekeeping:
        filters.add("NOT (caller IN ('automation', 'system') AND status = 'ok')")
    rows, total, _, _ = await fetch_page(db, select="id, ts, caller, caller_name, skill, status, outcome, "
                                         "output_summary, error", from_="activity", filters=filters,
                                         order_by="id DESC", limit=limit, offset=offset)
    return rows, total


async def quiet_on(db: Database, day: str) -> list[Row]:
    """``skill, calls`` of the housekeeping runs counted, not listed, on ``day`` (a day still kept in full
    holds only those counts), busiest first."""
    return await db.fetchall("SELECT skill, calls FROM activity_daily WHERE day = ? AND calls > 0 "
                             "ORDER BY calls DESC, skill", (day,))


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
    Only skills count (a name with a ``skills`` row): the heartbeat and the platform's jobs write activity
    rows too, and no one can resume them like a skill (health reports them as jobs).
    """
    return (
        "SELECT skill, COUNT(*) AS calls, SUM(CASE WHEN outcome = 'negative' THEN 1 ELSE 0 END) AS negatives"
        " FROM activity "
        f"WHERE ts >= ? AND outcome IN ({', '.join(repr(s) for s in scored)}) "
        "AND skill IN (SELECT name FROM skills) GROUP BY skill "
        "HAVING COUNT(*) >= ? AND SUM(CASE WHEN outcome = 'negative' THEN 1 ELSE 0 END) * 1.0 / COUNT(*) > ?"
        " ORDER BY skill"
    )


async def negative_rates(db: Database, *, scored: tuple[str, ...], since: str, min_calls: int,
                         min_rate: float) -> list[Row]:
    """``skill, calls, negatives`` of skills with ``min_calls`` scored calls since ``since`` and a
    negative share above ``min_rate``, by skill."""
    return await db.fetchall(negative_rate_sql(scored), (since, min_calls, min_rate))


async def no_effect_streak(db: Database, skill: str) -> tuple[int, str | None]:
    """(calls, first ts) of the skill's ``no_effect`` calls since its last call that did or failed something."""
    last = await db.fetchval(
        "SELECT MAX(ts) FROM activity WHERE skill = ? AND outcome IN ('success', 'partial', 'negative')", (skill,))
    row = await db.fetchone(
        "SELECT COUNT(*) AS calls, MIN(ts) AS since FROM activity WHERE skill = ? AND ts > ? AND outcome = 'no_effect'",
        (skill, last or ""))
    return (int(row["calls"]), row["since"]) if row else (0, None)


async def verdicts(db: Database, ids: list[int]) -> dict[int, Row]:
    """``id -> skill, status, outcome`` of these activity rows (what a run's calls really did)."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = await db.fetchall(f"SELECT id, skill, status, outcome FROM activity WHERE id IN ({marks})", ids)
    return {r["id"]: r for r in rows}


# --- retention: whole days folded into per-skill daily summaries (server/retention.py) -----------

DAILY_COLUMNS = "day, skill, calls, refused, ok, errors, negatives, duration_ms, error_kinds"


async def oldest_ts(db: Database) -> str | None:
    value = await db.fetchval("SELECT MIN(ts) FROM activity")
    return str(value) if value else None


async def fold_day(tx: Database, day: str, next_day: str) -> int:
    """Replace the rows of ``day`` (``ts`` in [day, next_day)) by one ``activity_daily`` row per skill,
    added to any summary already there. Returns how many rows were folded. Run inside a transaction."""
    window = (day, next_day)
    groups = await tx.fetchall(
        "SELECT skill, SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END) AS calls,"
        " SUM(CASE WHEN attempts = 0 THEN 1 ELSE 0 END) AS refused,"
        " SUM(CASE WHEN status = 'ok' THEN 1 ELSE 0 END) AS ok,"
        " SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END) AS errors,"
        " SUM(CASE WHEN outcome = 'negative' THEN 1 ELSE 0 END) AS negatives, SUM(duration_ms) AS duration_ms,"
        " COUNT(*) AS n FROM activity WHERE ts >= ? AND ts < ? GROUP BY skill", window)
    kinds: dict[str, dict[str, int]] = {}
    for row in await tx.fetchall("SELECT skill, error_kind, COUNT(*) AS n FROM activity WHERE ts >= ? AND ts < ? "
                                 "AND error_kind IS NOT NULL GROUP BY skill, error_kind", window):
        kinds.setdefault(row["skill"], {})[row["error_kind"]] = int(row["n"])
    for g in groups:
        old = await tx.fetchone(f"SELECT {DAILY_COLUMNS} FROM activity_daily WHERE day = ? AND skill = ?",
                                (day, g["skill"]))
        merged = dict(json.loads(old["error_kinds"])) if old else {}
        for kind, n in kinds.get(g["skill"], {}).items():
            merged[kind] = merged.get(kind, 0) + n
        counts = [int(g[c] or 0) + (int(old[c]) if old else 0) for c in ("calls", "refused", "ok", "errors",
                                                                          "negatives")]
        duration = float(g["duration_ms"] or 0) + (float(old["duration_ms"]) if old else 0.0)
        if old:
            await tx.execute("UPDATE activity_daily SET calls = ?, refused = ?, ok = ?, errors = ?, negatives = ?, "
                             "duration_ms = ?, error_kinds = ? WHERE day = ? AND skill = ?",
                             (*counts, duration, dumps(merged), day, g["skill"]))
        else:
            await tx.execute(f"INSERT INTO activity_daily ({DAILY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             (day, g["skill"], *counts, duration, dumps(merged)))
    result = await tx.execute("DELETE FROM activity WHERE ts >= ? AND ts < ?", window)
    return result.rowcount


async def daily(db: Database, since_day: str, skill: str | None = None) -> list[Row]:
    """Per skill and day since ``since_day``: ``day, skill, calls, refused, ok, errors, negatives``, from the
    summaries of folded days and the rows of the days still kept in full (health trends read this)."""
    only = " AND skill = ?" if skill else ""
    params = (since_day, *([skill] if skill else []))
    kept = await db.fetchall(
        "SELECT SUBSTR(ts, 1, 10) AS day, skill, SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END) AS calls,"
        " SUM(CASE WHEN attempts = 0 THEN 1 ELSE 0 END) AS refused,"
        " SUM(CASE WHEN status = 'ok' THEN 1 ELSE 0 END) AS ok,"
        " SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END) AS errors,"
        f" SUM(CASE WHEN outcome = 'negative' THEN 1 ELSE 0 END) AS negatives FROM activity WHERE ts >= ?{only}"
        " GROUP BY SUBSTR(ts, 1, 10), skill", params)
    folded = await db.fetchall(
        f"SELECT day, skill, calls, refused, ok, errors, negatives FROM activity_daily WHERE day >= ?{only}", params)
    merged: dict[tuple[str, str], Row] = {}
    for row in [*folded, *kept]:  # a day still kept in full may have counts too (quiet housekeeping)
        key = (row["day"], row["skill"])
        if key in merged:
            merged[key] = {**merged[key], **{c: int(merged[key][c] or 0) + int(row[c] or 0) for c in _COUNTS}}
        else:
            merged[key] = dict(row)
    return [merged[k] for k in sorted(merged)]


_COUNTS = ("calls", "refused", "ok", "errors", "negatives")
