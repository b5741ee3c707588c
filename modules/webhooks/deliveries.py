"""Webhook deliveries as people see them: listed with their outcome, failed ones retried by hand."""

from __future__ import annotations

from typing import Literal

from modules.webhooks import circuit
from modules.webhooks.model import Delivery, DeliveryPage
from skills import Filters, Row, SkillContext, SkillFailed, fetch_one, fetch_page, skill
from skills.context import Database


@skill(title="List webhook deliveries",
       examples=("did the webhook posts succeed", "failed webhook posts"),
       synonyms=("failed", "calls", "log", "history"),
       read_only=True,
       instructions="Every delivery attempt's state, newest first: status code, error kind and last error.")
async def list_deliveries(
    ctx: SkillContext,
    status: Literal["pending", "delivered", "failed"] | None = None,
    endpoint_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> DeliveryPage:
    """List webhook deliveries by status or endpoint.

    Args:
        status: Only deliveries in this state.
        endpoint_id: Only this endpoint's deliveries.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    filters = Filters().add("d.status = ?", status).add("d.endpoint_id = ?", endpoint_id)
    return await fetch_page(
        ctx.db, DeliveryPage,
        select="d.id, d.endpoint_id, d.event_id, e.name AS event, d.status, d.attempts, d.status_code, "
               "d.error_kind, d.last_error",
        from_="webhooks_deliveries d JOIN events e ON e.id = d.event_id", filters=filters, order_by="d.id DESC",
        limit=limit, offset=offset)


async def failed_deliveries(db: Database, limit: int) -> list[Row]:
    """The newest failed deliveries with their event's name (for the supervisor's cockpit)."""
    return await db.fetchall(
        "SELECT d.id, d.endpoint_id, e.name AS event, d.attempts, d.status_code, d.error_kind, d.last_error "
        "FROM webhooks_deliveries d JOIN events e ON e.id = d.event_id WHERE d.status = 'failed' "
        "ORDER BY d.id DESC LIMIT ?", (limit,))


@skill(title="Redeliver a webhook",
       examples=("send that webhook again", "resend a failed event"),
       synonyms=("resend", "retry", "again"),
       idempotent=True,
       instructions="Queues a failed (or delivered) delivery again with a fresh attempt count; the next run sends "
                    "it, with the same webhook-id, even while its endpoint's circuit is open (a person asked).")
async def redeliver(ctx: SkillContext, delivery_id: int) -> Delivery:
    """Queue one delivery again.

    Args:
        delivery_id: The delivery's id (webhooks_list_deliveries).
    """
    row = await fetch_one(
        ctx.db, "SELECT status FROM webhooks_deliveries WHERE id = ?", (delivery_id,),
        missing=f"no delivery #{delivery_id}; webhooks_list_deliveries shows them")
    if row["status"] == "pending":
        raise SkillFailed(f"delivery #{delivery_id} is already queued")
    await ctx.db.execute("UPDATE webhooks_deliveries SET status = 'pending', attempts = 0, next_attempt_at = NULL "
                         "WHERE id = ?", (delivery_id,))
    endpoint = await ctx.db.fetchval("SELECT endpoint_id FROM webhooks_deliveries WHERE id = ?", (delivery_id,))
    await circuit.reset(ctx.db, int(endpoint))  # a person asked for it now: its endpoint's backoff does not apply
    result = await ctx.db.fetchone(
        "SELECT d.id, d.endpoint_id, d.event_id, e.name AS event, d.status, d.attempts, d.status_code, d.error_kind,"
        " d.last_error FROM webhooks_deliveries d JOIN events e ON e.id = d.event_id WHERE d.id = ?", (delivery_id,))
    assert result is not None
    return Delivery(**result)


async def dead_letters(db: Database) -> Row:
    """``failed`` deliveries: how many, and the newest one's id (the delivery watch tells a person)."""
    row = await db.fetchone("SELECT COUNT(*) AS failed, MAX(id) AS last_failed FROM webhooks_deliveries "
                            "WHERE status = 'failed'")
    return {"failed": int((row or {}).get("failed") or 0), "last_failed": int((row or {}).get("last_failed") or 0)}


async def uncertain(db: Database, since: str) -> list[Row]:
    """Deliveries whose run died mid-POST, found since ``since``: resent with their webhook-id."""
    return await db.fetchall("SELECT id, endpoint_id, status, uncertain_at FROM webhooks_deliveries "
                             "WHERE uncertain_at >= ? ORDER BY id", (since,))
