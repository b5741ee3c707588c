"""Order data, the state machine, and giving reserved stock back when an order is undone."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from modules.products.model import SKU, Reason, move_stock
from skills import Page, Record, SkillContext, SkillFailed, check_transition, fetch_one

Status = Literal["pending", "paid", "fulfilled", "cancelled", "refunded"]
# pending -> paid -> fulfilled; pending|paid -> cancelled; paid -> refunded. The last three are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"paid", "cancelled"}),
    "paid": frozenset({"fulfilled", "cancelled", "refunded"}),
    "fulfilled": frozenset(),
    "cancelled": frozenset(),
    "refunded": frozenset(),
}
ORDER_COLUMNS = ("id, number, customer, customer_email, status, currency, subtotal_cents, discount_code, "
                 "discount_cents, total_cents, payment_reference, reason, created_at, paid_at, fulfilled_at, "
                 "cancelled_at, refunded_at")


class LineIn(Record):
    sku: Annotated[str, Field(pattern=SKU, description="The product's SKU (products_list shows them).")]
    quantity: Annotated[int, Field(ge=1, le=10_000, description="Units ordered.")]


class Line(Record):
    product_id: int
    sku: str
    name: str
    quantity: int
    unit_price_cents: int
    line_total_cents: int


class Order(Record):
    id: int
    number: str
    customer: str
    customer_email: str
    status: str
    currency: str
    lines: list[Line]
    subtotal_cents: int
    discount_code: str | None
    discount_cents: int
    total_cents: int
    payment_reference: str | None
    reason: str | None
    created_at: str
    paid_at: str | None
    fulfilled_at: str | None
    cancelled_at: str | None
    refunded_at: str | None


class OrderPage(Page[Order]):
    pass


async def load(ctx: SkillContext, order_id: int) -> Order:
    row = await fetch_one(
        ctx.db, f"SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?", (order_id,),
        missing=f"no order with id {order_id}; orders_list shows them")
    lines = await ctx.db.fetchall(
        "SELECT product_id, sku, name, quantity, unit_price_cents, quantity * unit_price_cents AS line_total_cents "
        "FROM orders_lines WHERE order_id = ? ORDER BY id", (order_id,))
    return Order(**row, lines=[Line(**ln) for ln in lines])


async def restore_stock(ctx: SkillContext, order: Order, reason: Reason) -> None:
    """Put every line's units back on the shelf, each with a ledger row naming the order."""
    for line in order.lines:
        await move_stock(ctx, line.product_id, line.quantity, reason, order.number)


async def set_status(ctx: SkillContext, order: Order, to: str, stamp: str, reason: str | None = None) -> Order:
    """Move an order to ``to`` and stamp when; the WHERE on the old status guards against a racing change."""
    check_transition(TRANSITIONS, order.status, to, what=f"order {order.number}")
    changed = await ctx.db.execute(
        f"UPDATE orders SET status = ?, {stamp} = ?, reason = COALESCE(?, reason) WHERE id = ? AND status = ?",
        (to, ctx.now_iso(), reason, order.id, order.status))
    if changed.rowcount == 0:
        raise SkillFailed(f"order {order.number} changed while this ran; load it again with orders_list")
    return await load(ctx, order.id)


class DiscountCode(Record):
    id: int
    code: str
    kind: str
    value: int
    currency: str
    min_order_cents: int
    valid_from: str | None
    valid_until: str | None
    max_redemptions: int | None
    redemptions: int
    created_at: str


class Redemption(Record):
    code_id: int
    code: str
    discount_cents: int


class Swept(Record):
    cutoff_days: int
    cancelled: list[str]


class TopProduct(Record):
    sku: str
    name: str
    quantity: int
    revenue_cents: int


class SalesSummary(Record):
    date_from: str
    date_to: str
    currency: str
    order_count: int
    revenue_cents: int
    discount_cents: int
    average_order_cents: int
    refunded_count: int
    refunded_cents: int
    top_products: list[TopProduct]
