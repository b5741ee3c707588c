"""The ``approvals`` table: requests to run a skill that a person decides.

Two kinds: an ``approval`` (an approve-trust call the caller could not run) and a ``proposal``
(a call the agent would have made in shadow mode, with its stated reason and objective).

    pending -> approved | rejected (a person) | expired (nobody decided in time)
    approved -> running (claimed by a holder, under its lease) -> executed | failed
    running -> uncertain (its process died mid-run: whether it took effect is unknown)
    uncertain -> executed (a person says it happened) | approved (a person says it did not: it runs again)

The executor queues requests, people decide them (server/ops/approvals.py), the heartbeat or the
person's command follows them through (server/agent/approved_actions.py); these functions are only
the statements.
"""

from __future__ import annotations

from skills.context import Database, Row


async def queue(db: Database, *, skill: str, arguments: str, run_id: str | None, requested_by: str,
                requested_at: str, expires_at: str, kind: str = "approval", outside: str | None = None,
                preview: str | None = None) -> tuple[int, bool]:
    """A new ``pending`` request, or the one already pending for this skill and these arguments:
    ``(id, created)``. ``arguments`` is the normalized JSON text (the same call, the same text);
    ``outside`` the JSON of the outside content the requesting run read before it; ``preview`` what
    approving it does (server/previews.py), as JSON.

    Run it in a transaction: the look-up and the insert are one step (the partial unique index
    ``approvals_one_pending`` backs it up).
    """
    existing = await db.fetchval(
        "SELECT id FROM approvals WHERE skill = ? AND arguments = ? AND status = 'pending'", (skill, arguments))
    if existing is not None:
        return int(existing), False
    result = await db.execute(
        "INSERT INTO approvals (skill, arguments, run_id, status, requested_by, requested_at, expires_at, kind, "
        "outside, preview) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?)",
        (skill, arguments, run_id, requested_by, requested_at, expires_at, kind, outside, preview),
    )
    return int(result.lastrowid or 0), True


async def expire_due(db: Database, now: str) -> list[Row]:
    """Mark pending requests whose expiry has come ``expired``; their ``id, skill, expires_at``.

    Run it in a transaction, so the rows returned are the rows changed.
    """
    rows = await db.fetchall("SELECT id, skill, expires_at FROM approvals WHERE status = 'pending' "
                             "AND expires_at <= ? ORDER BY id", (now,))
    if rows:
        await db.execute("UPDATE approvals SET status = 'expired', decided_at = ?, decided_by = 'system' "
                         f"WHERE id IN ({','.join('?' * len(rows))})", (now, *[r["id"] for r in rows]))
    return rows


async def approved(db: Database) -> list[Row]:
    """Every approved request not yet run, oldest first (whole rows)."""
    return await db.fetchall("SELECT * FROM approvals WHERE status = 'approved' ORDER BY id")


async def claim(db: Database, approval_id: int, *, holder: str, result: str) -> bool:
    """Compare-and-set ``approved -> running`` before running it; False when another process took it."""
    claimed = await db.execute(
        "UPDATE approvals SET status = 'running', holder = ?, result = ? WHERE id = ? AND status = 'approved'",
        (holder, result, approval_id))
    return claimed.rowcount == 1


async def settle(db: Database, approval_id: int, *, status: str, result: str) -> None:
    """The run's outcome: it wins over ``uncertain`` too (a run found stalled that then finished is known)."""
    await db.execute("UPDATE approvals SET status = ?, result = ?, holder = NULL WHERE id = ? "
                     "AND status IN ('running', 'uncertain')", (status, result, approval_id))


async def running(db: Database) -> list[Row]:
    """``id, skill, arguments, holder, result, requested_by`` of the requests being run now (or left so)."""
    return await db.fetchall("SELECT id, skill, arguments, holder, result, requested_by FROM approvals "
                             "WHERE status = 'running' ORDER BY id")


async def mark_uncertain(db: Database, approval_id: int, holder: str, result: str) -> bool:
    """``running -> uncertain`` when ``holder`` still has it (compare-and-set: one reaper marks it)."""
    marked = await db.execute("UPDATE approvals SET status = 'uncertain', result = ? WHERE id = ? "
                              "AND status = 'running' AND holder = ?", (result, approval_id, holder))
    return marked.rowcount == 1


async def uncertain(db: Database) -> list[Row]:
    """Whole rows of the requests whose outcome a crash left unknown, oldest first."""
    return await db.fetchall("SELECT * FROM approvals WHERE status = 'uncertain' ORDER BY id")


async def resolve(db: Database, approval_id: int, *, happened: bool, now: str, by: str, result: str) -> bool:
    """A person's word on an uncertain request: it happened (``executed``) or not (``approved``: it runs
    again, once). False when it is not uncertain."""
    resolved = await db.execute(
        "UPDATE approvals SET status = ?, decided_at = ?, decided_by = ?, result = ?, holder = NULL "
        "WHERE id = ? AND status = 'uncertain'", ("executed" if happened else "approved", now, by, result, approval_id))
    return resolved.rowcount == 1


async def pending_after(db: Database, after_id: int) -> list[Row]:
    """``id, skill, arguments, expires_at, outside, preview`` of the agent's pending approvals newer than
    ``after_id`` (an automation's or the system's were announced when they were queued; proposals go in
    the daily shadow digest instead)."""
    return await db.fetchall(
        "SELECT id, skill, arguments, expires_at, outside, preview FROM approvals WHERE id > ? AND status = 'pending' "
        "AND requested_by = 'pilot' AND kind = 'approval' ORDER BY id", (after_id,))


async def pending(db: Database, limit: int) -> list[Row]:
    """``id, skill, arguments, requested_at`` of the oldest pending requests."""
    return await db.fetchall("SELECT id, skill, arguments, requested_at FROM approvals WHERE status = 'pending' "
                             "ORDER BY id LIMIT ?", (limit,))


async def recently_decided(db: Database, limit: int) -> list[Row]:
    """``id, skill, status, result`` of the newest requests that ended (by decision, or request, time)."""
    return await db.fetchall(
        "SELECT id, skill, status, result FROM approvals WHERE status IN ('rejected', 'executed', 'failed', 'expired') "
        "ORDER BY COALESCE(decided_at, requested_at) DESC LIMIT ?", (limit,))


async def pending_requests(db: Database, limit: int) -> list[Row]:
    """The oldest pending requests of both kinds, whole rows (what a person decides on: skill,
    arguments, reason, who asked and when)."""
    return await db.fetchall("SELECT * FROM approvals WHERE status = 'pending' ORDER BY id LIMIT ?", (limit,))


async def pending_count(db: Database) -> int:
    return int(await db.fetchval("SELECT COUNT(*) FROM approvals WHERE status = 'pending'") or 0)


async def get(db: Database, approval_id: int) -> Row | None:
    return await db.fetchone("SELECT * FROM approvals WHERE id = ?", (approval_id,))


async def note_reason(db: Database, approval_id: int, reason: str) -> None:
    """The model's stated reason for a proposal, kept only when none is recorded yet (a repeat keeps the first)."""
    await db.execute("UPDATE approvals SET reason = ? WHERE id = ? AND reason IS NULL", (reason, approval_id))


async def note_objective(db: Database, run_id: str, objective: str) -> None:
    """The objective(s) a run's proposals served, on those that have none yet."""
    await db.execute("UPDATE approvals SET objective = ? WHERE run_id = ? AND kind = 'proposal' "
                     "AND objective IS NULL", (objective, run_id))


# Decided by a person: approved, then executed or failed when it ran.
_APPROVED = "('approved', 'executed', 'failed')"


async def ladder(db: Database) -> list[Row]:
    """Per skill, over the agent's requests of both kinds: ``skill, approved, rejected, streak``
    (approvals since the skill's last rejection, in request order)."""
    return await db.fetchall(
        f"SELECT a.skill, SUM(CASE WHEN a.status IN {_APPROVED} THEN 1 ELSE 0 END) AS approved, "
        "SUM(CASE WHEN a.status = 'rejected' THEN 1 ELSE 0 END) AS rejected, "
        f"SUM(CASE WHEN a.status IN {_APPROVED} AND a.id > COALESCE((SELECT MAX(r.id) FROM approvals r "
        "WHERE r.skill = a.skill AND r.status = 'rejected' AND r.requested_by = 'pilot'), 0) THEN 1 ELSE 0 END) "
        "AS streak FROM approvals a WHERE a.requested_by = 'pilot' GROUP BY a.skill ORDER BY a.skill")


async def proposals_since(db: Database, since: str) -> list[Row]:
    """Per skill, the proposals made since ``since``: ``skill, proposed, approved, rejected, pending``."""
    return await db.fetchall(
        f"SELECT skill, COUNT(*) AS proposed, SUM(CASE WHEN status IN {_APPROVED} THEN 1 ELSE 0 END) AS approved, "
        "SUM(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END) AS rejected, "
        "SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END) AS pending "
        "FROM approvals WHERE kind = 'proposal' AND requested_at >= ? GROUP BY skill ORDER BY skill", (since,))


async def decide(db: Database, approval_id: int, *, status: str, now: str, by: str, note: str,
                 by_name: str | None = None) -> None:
    """A person's decision on a pending request (the caller checked it is pending and not expired);
    ``by`` is the kind of caller (mcp, cli), ``by_name`` who it was (a token's name, the local account)."""
    await db.execute("UPDATE approvals SET status = ?, decided_at = ?, decided_by = ?, result = ?, "
                     "decided_by_name = ? WHERE id = ?", (status, now, by, note or None, by_name, approval_id))
