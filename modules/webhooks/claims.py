"""The delivery rows' statements: claim a chunk, then mark each delivered, retried or failed.

A delivery is claimable when it is ``pending``, due (``next_attempt_at`` passed) and not held
by a live claim (``claim_expires_at`` passed or unset). The claim is one transaction: pick,
stamp ``claimed_by`` and ``claim_expires_at``, read back what this owner holds. A claim lasts
longer than a run may (``skills.delivery.CLAIM_TTL``), so a live run's rows are never taken; a
crashed run's are retried once its claim expires, with the same ``webhook-id``.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from skills import Row
from skills.context import Database
from skills.delivery import CLAIM_TTL, SKIP_LOCKED, iso

CLAIMABLE = ("d.status = 'pending' AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?) "
             "AND (d.claim_expires_at IS NULL OR d.claim_expires_at <= ?)")


def new_owner() -> str:
    return f"dispatch:{uuid.uuid4().hex}"


def new_message_id() -> str:
    """A Standard Webhooks message id: one per delivery, the same on every retry of it."""
    return f"msg_{uuid.uuid4().hex}"


async def claim(db: Database, owner: str, now: datetime, limit: int, *, skip: set[int]) -> list[Row]:
    """Claim up to ``limit`` due deliveries to enabled endpoints (none of the ``skip`` endpoints)."""
    now_iso, expires = iso(now), iso(now + CLAIM_TTL)
    skipping = f" AND d.endpoint_id NOT IN ({','.join('?' * len(skip))})" if skip else ""
    async with db.transaction() as tx:
        picked = await tx.fetchall(
            "SELECT d.id FROM webhooks_deliveries d JOIN webhooks_endpoints p ON p.id = d.endpoint_id "
            f"WHERE {CLAIMABLE} AND p.enabled = 1{skipping} ORDER BY d.id LIMIT ? "
            f"{SKIP_LOCKED.replace('UPDATE', 'UPDATE OF d')}",
            (now_iso, now_iso, *sorted(skip), limit))
        if not picked:
            return []
        await tx.execute(
            f"UPDATE webhooks_deliveries SET claimed_by = ?, claim_expires_at = ? "
            f"WHERE id IN ({','.join('?' * len(picked))}) AND status = 'pending' "
            "AND (claim_expires_at IS NULL OR claim_expires_at <= ?)",
            (owner, expires, *[r["id"] for r in picked], now_iso))
        return await tx.fetchall(
            "SELECT d.id, d.endpoint_id, d.event_id, d.attempts, d.error_kind, d.message_id, "
            "d.created_at AS queued_at, e.name, e.payload, e.created_at, p.url, p.secret "
            "FROM webhooks_deliveries d JOIN events e ON e.id = d.event_id "
            "JOIN webhooks_endpoints p ON p.id = d.endpoint_id WHERE d.claimed_by = ? AND d.status = 'pending' "
            "ORDER BY d.id", (owner,))


async def mark(db: Database, row_id: int, owner: str, *, status: str, attempts: int, code: int | None,
               kind: str | None, error: str | None, retry_at: datetime | None, now: datetime) -> None:
    """Record one POST: ``delivered``, ``pending`` until ``retry_at``, or ``failed``."""
    # A delivered POST is recorded whoever holds the claim now; a failure only by the claim's owner.
    owned = "" if status == "delivered" else " AND claimed_by = ?"
    await db.execute(
        "UPDATE webhooks_deliveries SET status = ?, attempts = ?, status_code = ?, error_kind = ?, last_error = ?, "
        f"delivered_at = ?, next_attempt_at = ?, claimed_by = NULL, claim_expires_at = NULL WHERE id = ?{owned}",
        (status, attempts, code, kind, error, iso(now) if status == "delivered" else None, iso(retry_at), row_id,
         *([] if status == "delivered" else [owner])))


async def release(db: Database, owner: str) -> None:
    """Deliveries this run claimed and did not try: due again at once, no attempt counted."""
    await db.execute("UPDATE webhooks_deliveries SET claimed_by = NULL, claim_expires_at = NULL "
                     "WHERE claimed_by = ? AND status = 'pending'", (owner,))
