"""The delivery rows' statements: claim an endpoint's due rows, renew, mark each one, release.

A delivery is claimable when it is ``pending``, due (``next_attempt_at`` passed) and not held
by a live lease (``claim_expires_at`` passed or unset). The claim is one transaction: pick,
stamp ``claimed_by`` and ``claim_expires_at`` (a 15 s lease the run renews while it lives:
skills/delivery.py), read back what this owner holds. A crashed run's rows are taken over once
its lease lapses, with the same ``webhook-id``; a row it had on the wire (``sending_since``) is
``uncertain``: the receiver may have it already, and drops the resend by its id.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from skills import Row
from skills.context import Database
from skills.delivery import LEASE, SKIP_LOCKED, done_among, iso

CLAIMABLE = ("d.status = 'pending' AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?) "
             "AND (d.claim_expires_at IS NULL OR d.claim_expires_at <= ?)")


def new_owner() -> str:
    return f"dispatch:{uuid.uuid4().hex}"


def new_message_id() -> str:
    """A Standard Webhooks message id: one per delivery, the same on every retry of it."""
    return f"msg_{uuid.uuid4().hex}"


async def claim(db: Database, owner: str, now: datetime, limit: int, *, endpoint_id: int) -> list[Row]:
    """Claim up to ``limit`` due deliveries to one endpoint."""
    now_iso, expires = iso(now), iso(now + LEASE)
    async with db.transaction() as tx:
        picked = await tx.fetchall(
            f"SELECT d.id FROM webhooks_deliveries d WHERE {CLAIMABLE} AND d.endpoint_id = ? ORDER BY d.id LIMIT ? "
            f"{SKIP_LOCKED}", (now_iso, now_iso, endpoint_id, limit))
        if not picked:
            return []
        await tx.execute(
            "UPDATE webhooks_deliveries SET claimed_by = ?, claim_expires_at = ?, "
            "uncertain_at = CASE WHEN sending_since IS NOT NULL THEN ? ELSE uncertain_at END "
            f"WHERE id IN ({','.join('?' * len(picked))}) AND status = 'pending' "
            "AND (claim_expires_at IS NULL OR claim_expires_at <= ?)",
            (owner, expires, now_iso, *[r["id"] for r in picked], now_iso))
        return await tx.fetchall(
            "SELECT d.id, d.endpoint_id, d.event_id, d.attempts, d.error_kind, d.message_id, d.sending_since, "
            "d.uncertain_at, d.created_at AS queued_at, e.name, e.payload, e.created_at, p.url, p.secret "
            "FROM webhooks_deliveries d JOIN events e ON e.id = d.event_id "
            "JOIN webhooks_endpoints p ON p.id = d.endpoint_id WHERE d.claimed_by = ? AND d.status = 'pending' "
            "AND d.endpoint_id = ? ORDER BY d.id", (owner, endpoint_id))


async def renew(db: Database, owner: str, now: datetime) -> None:
    """Extend the lease of every delivery ``owner`` still holds (a live run's heartbeat)."""
    await db.execute("UPDATE webhooks_deliveries SET claim_expires_at = ? WHERE claimed_by = ? AND status = 'pending'",
                     (iso(now + LEASE), owner))


async def start(db: Database, row_id: int, owner: str, now: datetime) -> None:
    """The POST goes out now: from here a crash leaves its outcome unknown."""
    await db.execute("UPDATE webhooks_deliveries SET sending_since = ? WHERE id = ? AND claimed_by = ?",
                     (iso(now), row_id, owner))


async def mark(db: Database, row_id: int, owner: str, *, status: str, attempts: int, code: int | None,
               kind: str | None, error: str | None, retry_at: datetime | None, now: datetime) -> None:
    """Record one POST: ``delivered``, ``pending`` until ``retry_at``, or ``failed``."""
    # A delivered POST is recorded whoever holds the claim now; a failure only by the claim's owner.
    owned = "" if status == "delivered" else " AND claimed_by = ?"
    await db.execute(
        "UPDATE webhooks_deliveries SET status = ?, attempts = ?, status_code = ?, error_kind = ?, last_error = ?, "
        "delivered_at = ?, next_attempt_at = ?, claimed_by = NULL, claim_expires_at = NULL, sending_since = NULL "
        f"WHERE id = ?{owned}",
        (status, attempts, code, kind, error, iso(now) if status == "delivered" else None, iso(retry_at), row_id,
         *([] if status == "delivered" else [owner])))


async def release(db: Database, owner: str) -> None:
    """Deliveries this run claimed and did not try: due again at once, no attempt counted."""
    await db.execute("UPDATE webhooks_deliveries SET claimed_by = NULL, claim_expires_at = NULL "
                     "WHERE claimed_by = ? AND status = 'pending' AND sending_since IS NULL", (owner,))


async def has_work(db: Database, now: datetime) -> bool:
    """Whether a dispatch run has anything to do: new events for an endpoint, or a delivery due to one
    whose circuit lets it through."""
    now_iso = iso(now)
    return await db.fetchone(
        "SELECT 1 FROM webhooks_endpoints p WHERE p.enabled = 1 AND (EXISTS (SELECT 1 FROM events e WHERE e.id > "
        "p.last_event_id) OR ((p.open_until IS NULL OR p.open_until <= ?) AND EXISTS (SELECT 1 FROM "
        f"webhooks_deliveries d WHERE d.endpoint_id = p.id AND {CLAIMABLE}))) LIMIT 1",
        (now_iso, now_iso, now_iso)) is not None


async def prune(db: Database, before: str, batch: int) -> int:
    """Delete up to ``batch`` deliveries delivered before ``before`` (failed ones wait for a person)."""
    result = await db.execute(
        "DELETE FROM webhooks_deliveries WHERE id IN (SELECT id FROM webhooks_deliveries WHERE status = 'delivered' "
        "AND delivered_at < ? ORDER BY id LIMIT ?)", (before, batch))
    return result.rowcount


async def undelivered(db: Database) -> list[str]:
    """The webhook-ids of every delivery not delivered yet (restore: did the replaced database deliver them?)."""
    return [str(r["message_id"]) for r in await db.fetchall(
        "SELECT message_id FROM webhooks_deliveries WHERE status != 'delivered' AND message_id IS NOT NULL")]


async def delivered_among(db: Database, identities: list[str]) -> dict[str, str]:
    """``webhook-id -> delivered_at`` of those deliveries this database delivered."""
    return await done_among(db, "webhooks_deliveries", "delivered", "delivered_at", identities)


async def mark_delivered_elsewhere(db: Database, delivered: dict[str, str]) -> int:
    """Mark delivered what another copy of this database delivered (a restore): nothing is POSTed twice."""
    marked = 0
    for identity, at in delivered.items():
        result = await db.execute(
            "UPDATE webhooks_deliveries SET status = 'delivered', delivered_at = ?, claimed_by = NULL, "
            "claim_expires_at = NULL, next_attempt_at = NULL WHERE message_id = ? "
            "AND status != 'delivered'", (at, identity))
        marked += result.rowcount
    return marked

