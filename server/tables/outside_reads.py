"""The ``outside_reads`` table: text written outside the business that an agent run has read.

One row per outside field a call returned to the agent (server/trust/outside.py decides what
counts): the run, the call's activity row, the skill, where in its output, and the text (cut).
A run with rows here is a run that read outside content; its requests show them to the person.
These functions are only the statements.
"""

from __future__ import annotations

from collections.abc import Sequence

from skills.context import Database, Row

EXCERPT_CHARS = 2_000  # enough to judge an instruction by; a whole submission is in its own table


async def record(db: Database, *, run_id: str, activity_id: int | None, skill: str,
                 fields: Sequence[tuple[str, str]], now: str) -> None:
    await db.executemany(
        "INSERT INTO outside_reads (run_id, activity_id, skill, field, excerpt, read_at) VALUES (?, ?, ?, ?, ?, ?)",
        [(run_id, activity_id, skill, field, text[:EXCERPT_CHARS], now) for field, text in fields])


async def of_run(db: Database, run_id: str, limit: int = 20) -> list[Row]:
    """``skill, field, excerpt, read_at`` of what the run read, the latest ``limit``, oldest first."""
    rows = await db.fetchall(
        "SELECT id, skill, field, excerpt, read_at FROM outside_reads WHERE run_id = ? ORDER BY id DESC LIMIT ?",
        (run_id, limit))
    return list(reversed(rows))


async def first_read_at(db: Database, run_id: str) -> str | None:
    value = await db.fetchval("SELECT MIN(read_at) FROM outside_reads WHERE run_id = ?", (run_id,))
    return None if value is None else str(value)


async def written_to_before(db: Database, addresses: Sequence[str], before: str) -> set[str]:
    """Which of ``addresses`` (lower case) the business had already mailed before ``before``: the outbox is
    its record of correspondence (read here, never written; its owner is skills/context.py)."""
    if not addresses:
        return set()
    marks = ",".join("?" * len(addresses))
    rows = await db.fetchall(
        f"SELECT DISTINCT LOWER(recipient) AS address FROM outbox WHERE channel = 'email' AND created_at < ? "
        f"AND LOWER(recipient) IN ({marks})", (before, *addresses))
    return {str(r["address"]) for r in rows}


async def prune(db: Database, before: str, batch: int) -> int:
    """Delete up to ``batch`` reads older than ``before`` (retention, like the runs they belong to)."""
    result = await db.execute(
        "DELETE FROM outside_reads WHERE id IN (SELECT id FROM outside_reads WHERE read_at < ? ORDER BY id LIMIT ?)",
        (before, batch))
    return result.rowcount
