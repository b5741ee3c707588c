"""The order state machine after placing: paid, fulfilled, cancelled, refunded, and the stale-order sweep."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import Field

from modules.orders.model import Order, Swept, load, restore_stock, set_status
from skills import Preview, PreviewLine, SkillContext, SkillFailed, consequence, skill
from skills.money import format_money as money

DEFAULT_UNPAID_DAYS = 7
SETTING = "unpaid_cancel_days"


def unpaid_days(settings: Any) -> int:
    """The module setting, validated: a bad value fails the run with how to fix it, not silently."""
    raw = settings.get(SETTING, DEFAULT_UNPAID_DAYS)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= 365:
        raise SkillFailed(f"orders setting {SETTING} must be a whole number of days from 1 to 365, not {raw!r}; "
                          f"fix it with `pilothouse modules configure orders {SETTING}={DEFAULT_UNPAID_DAYS}`")
    return raw


async def cancel_order(ctx: SkillContext, order: Order, reason: str) -> Order:
    cancelled = await set_status(ctx, order, "cancelled", "cancelled_at", reason)
    await restore_stock(ctx, order, "order_cancelled")
    await ctx.emit("order.cancelled", {"id": order.id, "number": order.number, "was": order.status,
                                       "reason": reason})
    return cancelled


@skill(title="Mark order paid or fulfilled",
       examples=("the order was paid", "the order shipped"),
       synonyms=("shipped", "paid", "fulfilled", "dispatched"),
       instructions="""
    Moves an order forward: pending -> paid (money received; give the payment reference) and
    paid -> fulfilled (shipped or handed over). Any other move is refused with what is allowed.
    Emits `order.paid` or `order.fulfilled`. Cancelling and refunding have their own skills.
    """)
async def advance(
    ctx: SkillContext,
    order_id: int,
    to: Literal["paid", "fulfilled"],
    payment_reference: Annotated[str | None, Field(max_length=120)] = None,
) -> Order:
    """Mark an order paid or fulfilled. Use when payment arrives or goods ship; NOT to cancel or refund.

    Args:
        order_id: The order.
        to: paid or fulfilled.
        payment_reference: Bank or payment-provider reference (only when marking paid).
    """
    order = await load(ctx, order_id)
    if payment_reference and to != "paid":
        raise SkillFailed("payment_reference goes with to=paid; leave it out when marking fulfilled")
    updated = await set_status(ctx, order, to, f"{to}_at")
    if to == "paid" and payment_reference:
        await ctx.db.execute("UPDATE orders SET payment_reference = ? WHERE id = ?", (payment_reference, order_id))
        updated = await load(ctx, order_id)
    await ctx.emit(f"order.{to}", {"id": order_id, "number": order.number, "total_cents": order.total_cents})
    return updated


def _back_in_stock(order: Order) -> list[PreviewLine]:
    return [consequence(f"{ln.quantity} x {ln.name} ({ln.sku}) back in stock", "orders", order.id,
                        f"order {order.number}") for ln in order.lines]


async def preview_cancel(ctx: SkillContext, order_id: int, reason: str) -> Preview:
    order = await load(ctx, order_id)
    paid = " No money goes back: refund it with orders_refund." if order.status == "paid" else ""
    amount = money(order.total_cents, order.currency)
    return Preview(summary=f"Cancel order {order.number} of {order.customer} ({amount}, {order.status}); "
                           f"{sum(ln.quantity for ln in order.lines)} unit(s) go back in stock",
                   lines=_back_in_stock(order), note=f"Reason: {reason}. Final: it cannot be reopened.{paid}")


@skill(title="Cancel an order",
       effects=("cancellation",),
       examples=("cancel the customer's order", "the sale fell through"),
       synonyms=("cancel", "fell through"),
       trust="approve", destructive=True, preview=preview_cancel,
       targets={"order_id": "orders"},
       instructions="""
       Cancels a pending or paid order and puts its reserved stock back (ledger reason
       order_cancelled). Final: a cancelled order cannot be reopened, and its discount redemption is
       freed. Fulfilled orders cannot be cancelled. Cancelling a paid order does not record money
       going back: use orders_refund when the customer is paid back. Emits `order.cancelled`.
       """)
async def cancel(ctx: SkillContext, order_id: int, reason: Annotated[str, Field(min_length=3, max_length=300)]
                 ) -> Order:
    """Cancel a pending or paid order and restore its stock. Use when a sale falls through; NOT for refunds.

    Args:
        order_id: The order.
        reason: Why it is cancelled.
    """
    return await cancel_order(ctx, await load(ctx, order_id), reason)


async def preview_refund(ctx: SkillContext, order_id: int, reason: str) -> Preview:
    order = await load(ctx, order_id)
    return Preview(summary=f"Refund {money(order.total_cents, order.currency)} to {order.customer} for order "
                           f"{order.number} ({order.status}); {sum(ln.quantity for ln in order.lines)} unit(s) go back "
                           "in stock", lines=_back_in_stock(order), note=f"Reason: {reason}. Final.")


@skill(title="Refund an order",
       effects=("money",),
       examples=("refund a customer", "give the money back for an order"),
       synonyms=("refund", "money back", "return"),
       trust="approve", destructive=True, preview=preview_refund,
       targets={"order_id": "orders"},
       instructions="""
       Refunds a paid order in full: status refunded (final), its stock goes back on the shelf
       (ledger reason order_refunded) and it leaves the sales revenue. Only paid orders: a pending
       order is cancelled instead, a fulfilled one has shipped. Money leaves the business:
       approve trust. Emits `order.refunded`.
       """)
async def refund(ctx: SkillContext, order_id: int, reason: Annotated[str, Field(min_length=3, max_length=300)]
                 ) -> Order:
    """Refund a paid order and restore its stock. Use when the customer gets their money back; NOT for pending orders.

    Args:
        order_id: The order.
        reason: Why it is refunded.
    """
    order = await load(ctx, order_id)
    if order.status == "pending":
        raise SkillFailed(f"order {order.number} is pending: nothing was paid, so cancel it with orders_cancel")
    refunded = await set_status(ctx, order, "refunded", "refunded_at", reason)
    await restore_stock(ctx, order, "order_refunded")
    await ctx.emit("order.refunded", {"id": order_id, "number": order.number, "amount_cents": order.total_cents,
                                      "reason": reason})
    return refunded


@skill(title="Cancel stale unpaid orders",
       effects=("cancellation",),
       examples=("drop orders that were never paid", "release stock held by unpaid orders"),
       synonyms=("stale", "abandoned", "never paid"),
       destructive=True,
       idempotent=True, instructions=f"""
       Cancels every pending order placed more than N days ago and returns its stock, so unpaid
       orders do not hold stock forever. N is the orders setting `{SETTING}` (default
       {DEFAULT_UNPAID_DAYS}; `pilothouse modules configure orders {SETTING}=14`). Runs daily;
       running it again cancels nothing new. Emits `order.cancelled` for each.
       """)
async def cancel_unpaid(ctx: SkillContext) -> Swept:
    """Cancel pending orders left unpaid too long. Use when clearing stale reservations; NOT for one order."""
    days = unpaid_days(ctx.settings)
    cutoff = (ctx.now() - timedelta(days=days)).isoformat(timespec="seconds")
    rows = await ctx.db.fetchall("SELECT id FROM orders WHERE status = 'pending' AND created_at < ? ORDER BY id",
                                 (cutoff,))
    cancelled = []
    for row in rows:
        order = await cancel_order(ctx, await load(ctx, row["id"]), f"unpaid after {days} days")
        cancelled.append(order.number)
    if not cancelled:
        ctx.set_outcome("no_effect")
    return Swept(cutoff_days=days, cancelled=cancelled)
