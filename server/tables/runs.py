"""The ``runs`` table (reasoning-loop checkpoints) and the ``heartbeats`` table (one row per cycle).

What a checkpoint holds and how a run resumes is server/agent/checkpoint.py's business; a
cycle's record is server/agent/cycle_record.py's. These functions are only the statements.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from skills.context import Database, Row

# Runs the loop can pick up again (server.agent.checkpoint.RESUMABLE re-exports it).
RESUMABLE = ("running", "paused", "timeout")
_RESUMABLE_MARKS = ", ".join("?" for _ in RESUMABLE)
HEARTBEAT_COLUMNS = "id, started_at, finished_at, status, run_id, detail"


# --- runs -------------------------------------------------------------------------------------

async def insert_run(db: Database, *, run_id: str, kind: str, status: str, cursor: int, plan: str, state: str,
                     now: str) -> None:
    await db.execute(
        "INSERT INTO runs (id, kind, status, cursor, plan, state, started_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (run_id, kind, status, cursor, plan, state, now, now),
    )


async def update_run(db: Database, *, run_id: str, status: str, cursor: int, plan: str, state: str,
                     stop_reason: str | None, paused_reason: str | None, now: str) -> None:
    await db.execute(
        "UPDATE runs SET status = ?, cursor = ?, plan = ?, state = ?, stop_reason = ?, paused_reason = ?, "
        "updated_at = ? WHERE id = ?",
        (status, cursor, plan, state, stop_reason, paused_reason, now, run_id),
    )


async def run_state(db: Database, run_id: str) -> Row | None:
    """``status``, ``plan`` and ``state`` of one run."""
    return await db.fetchone("SELECT status, plan, state FROM runs WHERE id = ?", (run_id,))


async def resumable_ids(db: Database, *, kind: str | None = None) -> list[str]:
    """Ids of runs that stopped before finishing, oldest first."""
    sql = f"SELECT id FROM runs WHERE status IN ({_RESUMABLE_MARKS})"
    params: list[Any] = list(RESUMABLE)
    if kind is not None:
        sql += " AND kind = ?"
        params.append(kind)
    return [r["id"] for r in await db.fetchall(sql + " ORDER BY started_at, id", params)]


async def resumable_runs(db: Database, kind: str) -> list[Row]:
    """``id, status, started_at, resume_after`` of the resumable runs of ``kind``, oldest first."""
    return await db.fetchall(
        f"SELECT id, status, started_at, resume_after FROM runs WHERE kind = ? AND status IN ({_RESUMABLE_MARKS}) "
        "ORDER BY started_at, id", (kind, *RESUMABLE))


async def still_resumable(db: Database, run_ids: Iterable[str]) -> set[str]:
    """Those of ``run_ids`` that are still waiting to be resumed."""
    ids = list(run_ids)
    if not ids:
        return set()
    rows = await db.fetchall(
        f"SELECT id FROM runs WHERE id IN ({','.join('?' * len(ids))}) AND status IN ({_RESUMABLE_MARKS})",
        (*ids, *RESUMABLE))
    return {r["id"] for r in rows}


async def give_up(db: Database, run_id: str, reason: str, now: str) -> None:
    """Mark a run failed so nothing resumes it again."""
    await db.execute("UPDATE runs SET status = 'failed', stop_reason = ?, updated_at = ? WHERE id = ?",
                     (reason, now, run_id))


# --- heartbeats -------------------------------------------------------------------------------

async def start_heartbeat(db: Database, now: str) -> int:
    """A new ``running`` cycle row; its id."""
    result = await db.execute("INSERT INTO heartbeats (started_at, status, detail) VALUES (?, 'running', '{}')",
                              (now,))
    return int(result.lastrowid or 0)


async def finish_heartbeat(db: Database, heartbeat_id: int | None, *, status: str, finished_at: str | None,
                           run_id: str | None, detail: str) -> None:
    await db.execute("UPDATE heartbeats SET status = ?, finished_at = ?, run_id = ?, detail = ? WHERE id = ?",
                     (status, finished_at, run_id, detail, heartbeat_id))


async def reap_running(db: Database, now: str) -> int:
    """Record cycles left ``running`` (their process died) as failed; how many there were.

    Called under the heartbeat lease, so a ``running`` row is never a live cycle's.
    """
    result = await db.execute(
        "UPDATE heartbeats SET status = 'failed', finished_at = ?, detail = json_set(detail, '$.reason', "
        "'the process died during this cycle') WHERE status = 'running'", (now,))
    return int(result.rowcount or 0)


async def recent_heartbeats(db: Database, limit: int) -> list[Row]:
    """The newest cycles first (``detail`` still JSON text)."""
    return await db.fetchall(f"SELECT {HEARTBEAT_COLUMNS} FROM heartbeats ORDER BY id DESC LIMIT ?", (limit,))


async def last_heartbeat_id(db: Database) -> int:
    return int(await db.fetchval("SELECT COALESCE(MAX(id), 0) FROM heartbeats") or 0)


async def last_heartbeat(db: Database) -> Row | None:
    return await db.fetchone(f"SELECT {HEARTBEAT_COLUMNS} FROM heartbeats ORDER BY id DESC LIMIT 1")


async def any_succeeded(db: Database) -> bool:
    """Whether any cycle ever finished ``ok`` (a site before its first one gets a bigger budget)."""
    return bool(await db.fetchval("SELECT 1 FROM heartbeats WHERE status = 'ok' LIMIT 1"))


async def finished_statuses(db: Database, window: int, after_id: int = 0) -> list[str]:
    """Statuses of the newest ``window`` cycles after ``after_id`` that ran to an end (skipped and running
    ones left out)."""
    rows = await db.fetchall(
        "SELECT status FROM heartbeats WHERE id > ? AND status NOT IN ('skipped', 'running') ORDER BY id DESC "
        "LIMIT ?", (after_id, window),
    )
    return [r["status"] for r in rows]


async def status_counts(db: Database, since: str) -> list[Row]:
    """``status, n`` of the cycles started at or after ``since``."""
    return await db.fetchall(
        "SELECT status, COUNT(*) AS n FROM heartbeats WHERE started_at >= ? GROUP BY status ORDER BY status",
        (since,))


async def last_attempted_at(db: Database) -> str | None:
    """When the newest cycle that was not skipped started."""
    row = await db.fetchone("SELECT MAX(started_at) AS last FROM heartbeats WHERE status != 'skipped'")
    return row["last"] if row else None


# --- retention (server/retention.py) ------------------------------------------------------------

async def prune_runs(db: Database, before: str, batch: int) -> int:
    """Delete up to ``batch`` finished runs last updated before ``before`` (resumable ones are kept)."""
    result = await db.execute(
        "DELETE FROM runs WHERE id IN (SELECT id FROM runs WHERE updated_at < ? AND status IN "
        "('completed', 'failed') ORDER BY updated_at LIMIT ?)", (before, batch))
    return result.rowcount


async def prune_heartbeats(db: Database, before: str, batch: int) -> int:
    """Delete up to ``batch`` finished heartbeat rows started before ``before``."""
    result = await db.execute(
        "DELETE FROM heartbeats WHERE id IN (SELECT id FROM heartbeats WHERE started_at < ? AND status != 'running' "
        "ORDER BY id LIMIT ?)", (before, batch))
    return result.rowcount
