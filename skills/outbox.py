"""The ``outbox`` table: every statement on it, for every party (its one owner).

Producers queue through ``enqueue`` (skills through ``ctx.send``, the runtime's notifications
directly), with a message already checked (skills/messages.py). The email module's delivery claims,
renews, marks and releases rows here; the cockpit, health and the delivery watch read them here.

    pending -> sending (claimed: owner + lease) -> sent
                                                -> pending (a failure, due again at next_attempt_at)
                                                -> failed  (the dead letter: refused for good, the retry
                                                            budget spent, or a row that cannot be built;
                                                            error_kind and last_error say why, and
                                                            email_retry_failed queues it again)

A row is claimable when it is ``pending`` and due, or ``sending`` under a lease that expired (its
deliverer died). ``sending_since`` is set just before the row goes on the wire and cleared when it
is marked: a taken-over row that still has it was in flight when its deliverer died, so whether it
arrived is unknown. Such a row is stamped ``uncertain_at`` and resent with the same identity
(``message_id``, given at enqueue, so a restored backup resends under the same ids too).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from skills.delivery import LEASE, SKIP_LOCKED, done_among, iso
from skills.messages import Attachment, Email, Queued, Webhook
from skills.paging import Filters, fetch_page

if TYPE_CHECKING:
    from skills.context import Database, Row
    from skills.paging import Page

P = TypeVar("P", bound="Page[Any]")

CLAIMED = ("id, channel, recipient, subject, body, headers, html, attempts, created_at, message_id, sending_since, "
           "uncertain_at")
LISTED = ("id, channel, recipient, subject, purpose, status, attempts, last_error, error_kind, created_at, sent_at, "
          "message_id, uncertain_at")
CLAIMABLE = ("((status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)) "
             "OR (status = 'sending' AND (claim_expires_at IS NULL OR claim_expires_at <= ?)))")


async def enqueue(db: Database, message: Email | Webhook, *, now: str, purpose: str = "") -> Queued:
    """Queue one checked message; its row, and the identity every attempt will carry."""
    token = uuid.uuid4().hex
    if isinstance(message, Email):
        identity = token  # the Message-ID is <token@sender's domain>, built at send time (modules/email/mime.py)
        values: tuple[Any, ...] = ("email", message.to, message.subject, message.text,
                                   json.dumps(message.headers(), separators=(",", ":")), message.html or None)
    else:
        identity = f"msg_{token}"  # the Standard Webhooks id, as sent
        values = ("webhook", message.url, message.title,
                  json.dumps(dict(message.payload), default=str, separators=(",", ":")), "{}", None)
    result = await db.execute(
        "INSERT INTO outbox (channel, recipient, subject, body, headers, html, purpose, status, created_at, "
        "message_id) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
        (*values, message.purpose or purpose, now, identity))
    assert result.lastrowid is not None
    if isinstance(message, Email) and message.attachments:
        await db.executemany(
            "INSERT INTO outbox_attachments (outbox_id, filename, mime_type, content) VALUES (?, ?, ?, ?)",
            [(result.lastrowid, a.filename, a.mime_type, a.content) for a in message.attachments])
    return Queued(outbox_id=result.lastrowid, message_id=identity)


async def attachments(db: Database, row_id: int) -> list[Attachment]:
    """The files queued with an email, in the order they were attached."""
    rows = await db.fetchall("SELECT filename, mime_type, content FROM outbox_attachments WHERE outbox_id = ? "
                             "ORDER BY id", (row_id,))
    return [Attachment(r["filename"], r["mime_type"], bytes(r["content"])) for r in rows]


def new_owner(role: str = "delivery") -> str:
    return f"{role}:{uuid.uuid4().hex}"


async def claim(db: Database, owner: str, now: datetime, limit: int, *,
                channels: tuple[str, ...] = ("email", "webhook"), ids: tuple[int, ...] = ()) -> list[Row]:
    """Claim up to ``limit`` due rows of ``channels`` (only ``ids``, when given) for ``owner``."""
    now_iso, expires = iso(now), iso(now + LEASE)
    only = f" AND id IN ({','.join('?' * len(ids))})" if ids else ""
    kinds = f" AND channel IN ({','.join('?' * len(channels))})"
    async with db.transaction() as tx:
        picked = await tx.fetchall(f"SELECT id FROM outbox WHERE {CLAIMABLE}{kinds}{only} ORDER BY id LIMIT ? "
                                   f"{SKIP_LOCKED}", (now_iso, now_iso, *channels, *ids, limit))
        if not picked:
            return []
        marks = ",".join("?" * len(picked))
        # A row still marked in flight was being sent when its deliverer died: its outcome is unknown.
        await tx.execute(
            "UPDATE outbox SET status = 'sending', claimed_by = ?, claim_expires_at = ?, "
            "uncertain_at = CASE WHEN sending_since IS NOT NULL THEN ? ELSE uncertain_at END "
            f"WHERE id IN ({marks}) AND {CLAIMABLE}", (owner, expires, now_iso, *[r["id"] for r in picked],
                                                       now_iso, now_iso))
        return await tx.fetchall(f"SELECT {CLAIMED} FROM outbox WHERE claimed_by = ? AND status = 'sending' "
                                 "ORDER BY id", (owner,))


async def renew(db: Database, owner: str, now: datetime) -> None:
    """Extend the lease of every row ``owner`` still holds (a live deliverer's heartbeat)."""
    await db.execute("UPDATE outbox SET claim_expires_at = ? WHERE claimed_by = ? AND status = 'sending'",
                     (iso(now + LEASE), owner))


async def start(db: Database, row_id: int, owner: str, now: datetime) -> None:
    """The row goes on the wire now (so a crash from here on leaves its outcome unknown)."""
    await db.execute("UPDATE outbox SET sending_since = ? WHERE id = ? AND claimed_by = ?", (iso(now), row_id, owner))


async def mark_sent(db: Database, row_id: int, now: datetime) -> None:
    # Whoever holds the claim now: the message went out, so the row is sent.
    await db.execute("UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL, "
                     "error_kind = NULL, claimed_by = NULL, claim_expires_at = NULL, next_attempt_at = NULL, "
                     "sending_since = NULL WHERE id = ?", (iso(now), row_id))


async def mark_failed(db: Database, row_id: int, owner: str, *, attempts: int, error: str, kind: str,
                      retry_at: datetime | None) -> None:
    """Back to ``pending`` until ``retry_at``, or ``failed`` (None: the dead letter)."""
    await db.execute(
        "UPDATE outbox SET status = ?, attempts = ?, last_error = ?, error_kind = ?, next_attempt_at = ?, "
        "claimed_by = NULL, claim_expires_at = NULL, sending_since = NULL WHERE id = ? AND claimed_by = ?",
        ("pending" if retry_at else "failed", attempts, error[:500], kind, iso(retry_at), row_id, owner))


async def release(db: Database, owner: str) -> None:
    """Rows this run claimed and did not try (it stopped early): pending again, no attempt counted."""
    await db.execute("UPDATE outbox SET status = 'pending', claimed_by = NULL, claim_expires_at = NULL "
                     "WHERE claimed_by = ? AND status = 'sending' AND sending_since IS NULL", (owner,))


async def due(db: Database, now: datetime, channels: tuple[str, ...] = ("email", "webhook")) -> bool:
    now_iso = iso(now)
    return await db.fetchone(f"SELECT 1 FROM outbox WHERE {CLAIMABLE} AND channel IN "
                             f"({','.join('?' * len(channels))}) LIMIT 1", (now_iso, now_iso, *channels)) is not None


async def listing(db: Database, page: type[P], *, status: str | None, purpose: str | None, limit: int,
                  offset: int) -> P:
    filters = Filters().add("status = ?", status).like(("purpose",), purpose)
    return await fetch_page(db, page, select=LISTED, from_="outbox", filters=filters, order_by="id DESC",
                            limit=limit, offset=offset)


async def failed(db: Database, limit: int) -> list[Row]:
    """The newest dead letters (the cockpit lists them beside a Retry button)."""
    return await db.fetchall(f"SELECT {LISTED} FROM outbox WHERE status = 'failed' ORDER BY id DESC LIMIT ?", (limit,))


async def requeue(db: Database, ids: list[int] | None) -> tuple[list[int], list[int]]:
    """Dead letters (all, or ``ids``) pending again with a fresh attempt count: ``(requeued, not failed)``."""
    sql, params = "SELECT id FROM outbox WHERE status = 'failed'", list(ids or [])
    if ids:
        sql += f" AND id IN ({','.join('?' * len(ids))})"
    found = [int(r["id"]) for r in await db.fetchall(sql, params)]
    for row_id in found:
        await db.execute("UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = NULL, last_error = "
                         "NULL, error_kind = NULL WHERE id = ? AND status = 'failed'", (row_id,))
    return found, sorted(set(ids or []) - set(found))


# Failures of the mail server itself, not of one message: while the newest waiting email failed so, mail is stuck.
SERVER_DOWN = ("network", "timeout", "auth_failed")


async def email_trouble(db: Database) -> Row | None:
    """The oldest email waiting for a retry because the mail server failed (down, or refusing our login)."""
    return await db.fetchone(
        "SELECT id, error_kind, last_error, next_attempt_at FROM outbox WHERE status = 'pending' AND channel = 'email' "
        f"AND error_kind IN ({','.join('?' * len(SERVER_DOWN))}) ORDER BY id LIMIT 1", SERVER_DOWN)


async def waiting(db: Database) -> dict[str, int]:
    """What is not sent: ``emails`` waiting (and ``first_email``, the oldest one's id), ``failed`` dead letters
    (``last_failed``: the newest one's id)."""
    row = await db.fetchone(
        "SELECT SUM(CASE WHEN channel = 'email' AND status != 'failed' THEN 1 ELSE 0 END) AS emails, "
        "MIN(CASE WHEN channel = 'email' AND status != 'failed' THEN id END) AS first_email, "
        "SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed, "
        "MAX(CASE WHEN status = 'failed' THEN id END) AS last_failed "
        "FROM outbox WHERE status IN ('pending', 'sending', 'failed')")
    return {k: int((row or {}).get(k) or 0) for k in ("emails", "first_email", "failed", "last_failed")}


async def backlog(db: Database) -> tuple[int, str | None]:
    """How many messages (any channel) wait to leave, pending or being sent, and the oldest one's created_at
    (the queue depth and age gauges, server/telemetry/schedule.py)."""
    row = await db.fetchone("SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox "
                            "WHERE status IN ('pending', 'sending')")
    return (int(row["n"]), row["oldest"]) if row is not None else (0, None)


async def uncertain(db: Database, since: str) -> list[Row]:
    """Messages whose deliverer died while sending them, found since ``since``: resent with their identity."""
    return await db.fetchall(f"SELECT {LISTED} FROM outbox WHERE uncertain_at >= ? ORDER BY id", (since,))


async def prune(db: Database, before: str, batch: int) -> int:
    """Delete up to ``batch`` sent messages sent before ``before`` (dead letters wait for a person), their
    attachments first."""
    async with db.transaction() as tx:
        ids = [r["id"] for r in await tx.fetchall(
            "SELECT id FROM outbox WHERE status = 'sent' AND sent_at < ? ORDER BY id LIMIT ?", (before, batch))]
        if not ids:
            return 0
        marks = ",".join("?" * len(ids))
        await tx.execute(f"DELETE FROM outbox_attachments WHERE outbox_id IN ({marks})", tuple(ids))
        result = await tx.execute(f"DELETE FROM outbox WHERE id IN ({marks})", tuple(ids))
        return result.rowcount


async def unsent(db: Database) -> list[str]:
    """The identities of every message not sent yet (restore: were they sent from the database it replaces?)."""
    return [str(r["message_id"]) for r in await db.fetchall(
        "SELECT message_id FROM outbox WHERE status IN ('pending', 'sending', 'failed') AND message_id IS NOT NULL")]


async def sent_among(db: Database, identities: list[str]) -> dict[str, str]:
    """``identity -> sent_at`` of those messages this database sent."""
    return await done_among(db, "outbox", "sent", "sent_at", identities)


async def mark_sent_elsewhere(db: Database, sent: dict[str, str]) -> int:
    """Mark sent the messages another copy of this database sent (a restore): they never go twice."""
    marked = 0
    for identity, sent_at in sent.items():
        result = await db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, claimed_by = NULL, claim_expires_at = NULL, "
            "next_attempt_at = NULL WHERE message_id = ? AND status != 'sent'", (sent_at, identity))
        marked += result.rowcount
    return marked

