"""The outbox's delivery statements: claim a chunk, then mark each row sent, retried or failed.

A row is claimable when it is ``pending`` and due (``next_attempt_at`` passed), or ``sending``
under a claim that expired (its run crashed). The claim is one transaction: pick, stamp
``claimed_by`` and ``claim_expires_at``, read back what this owner holds. A live run's rows
are never taken: its claim lasts longer than the run may (``skills.delivery.CLAIM_TTL``).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from skills import Row
from skills.context import Attachment, Database
from skills.delivery import CLAIM_TTL, SKIP_LOCKED, iso

COLUMNS = "id, channel, recipient, subject, body, attempts, created_at, message_id, html, sender_name, reply_to"
CLAIMABLE = ("(status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)) "
             "OR (status = 'sending' AND (claim_expires_at IS NULL OR claim_expires_at <= ?))")


def new_owner() -> str:
    return f"delivery:{uuid.uuid4().hex}"


async def claim(db: Database, owner: str, now: datetime, limit: int, *, domain: str) -> list[Row]:
    now_iso, expires = iso(now), iso(now + CLAIM_TTL)
    async with db.transaction() as tx:
        picked = await tx.fetchall(f"SELECT id, channel, message_id FROM outbox WHERE {CLAIMABLE} ORDER BY id LIMIT ?"
                                   f" {SKIP_LOCKED}",
                                   (now_iso, now_iso, limit))
        if not picked:
            return []
        marks = ",".join("?" * len(picked))
        await tx.execute(
            f"UPDATE outbox SET status = 'sending', claimed_by = ?, claim_expires_at = ? "
            f"WHERE id IN ({marks}) AND ({CLAIMABLE})", (owner, expires, *[r["id"] for r in picked], now_iso, now_iso))
        for r in picked:
            if r["message_id"] is None:  # given once, at the first claim: every retry carries the same one
                token = uuid.uuid4().hex
                identity = f"<{token}.outbox{r['id']}@{domain}>" if r["channel"] == "email" else f"msg_{token}"
                await tx.execute("UPDATE outbox SET message_id = ? WHERE id = ? AND message_id IS NULL",
                                 (identity, r["id"]))
        return await tx.fetchall(f"SELECT {COLUMNS} FROM outbox WHERE claimed_by = ? AND status = 'sending' "
                                 "ORDER BY id", (owner,))


async def attachments(db: Database, row_id: int) -> list[Attachment]:
    """The files queued with an email, in the order they were attached."""
    rows = await db.fetchall("SELECT filename, mime_type, content FROM outbox_attachments WHERE outbox_id = ? "
                             "ORDER BY id", (row_id,))
    return [Attachment(r["filename"], r["mime_type"], bytes(r["content"])) for r in rows]


async def mark_sent(db: Database, row_id: int, now: datetime) -> None:
    # Whoever holds the claim now: the message went out, so the row is sent.
    await db.execute("UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL, "
                     "error_kind = NULL, claimed_by = NULL, claim_expires_at = NULL, next_attempt_at = NULL "
                     "WHERE id = ?", (iso(now), row_id))


async def mark_failed(db: Database, row_id: int, owner: str, *, attempts: int, error: str, kind: str,
                      retry_at: datetime | None) -> None:
    """Back to ``pending`` until ``retry_at``, or ``failed`` (None: permanent, or the budget is spent)."""
    await db.execute(
        "UPDATE outbox SET status = ?, attempts = ?, last_error = ?, error_kind = ?, next_attempt_at = ?, "
        "claimed_by = NULL, claim_expires_at = NULL WHERE id = ? AND claimed_by = ?",
        ("pending" if retry_at else "failed", attempts, error[:500], kind, iso(retry_at), row_id, owner))


async def release(db: Database, owner: str) -> None:
    """Rows this run claimed and did not try (it stopped early): pending again, no attempt counted."""
    await db.execute("UPDATE outbox SET status = 'pending', claimed_by = NULL, claim_expires_at = NULL "
                     "WHERE claimed_by = ? AND status = 'sending'", (owner,))


async def has_due_email(db: Database, now: datetime) -> bool:
    now_iso = iso(now)
    return await db.fetchone(f"SELECT 1 FROM outbox WHERE channel = 'email' AND ({CLAIMABLE}) LIMIT 1",
                             (now_iso, now_iso)) is not None
