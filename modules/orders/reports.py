"""Finding orders and the sales summary: revenue, order count, average order value, top products."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from pydantic import Field

from modules.orders.model import OrderPage, SalesSummary, Status, TopProduct, load
from skills import Filters, SkillContext, SkillFailed, fetch_page, skill
from skills.formats import CURRENCY

# Revenue counts orders whose money stayed (paid or fulfilled), by the day they were paid;
# refunded ones are reported apart, by the day of the refund.
KEPT = "status IN ('paid', 'fulfilled') AND substr(paid_at, 1, 10) BETWEEN ? AND ? AND currency = ?"


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


@skill(name="orders_list", title="List orders",
                           examples=("find a customer's orders", "show recent orders"),
                           synonyms=("sales orders", "purchases"),
                           read_only=True, instructions="""
    Orders newest first with their lines and totals. Filters combine: status, a text query over
    customer, email and order number, a SKU the order contains, and placed-on dates (inclusive).
    Paginated with limit/offset; `total` counts all matches.
    """)
async def list_orders(
    ctx: SkillContext,
    status: Status | None = None,
    query: str | None = None,
    sku: str | None = None,
    placed_from: date | None = None,
    placed_to: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> OrderPage:
    """List orders with filters. Use when looking up a customer's orders or a status; NOT for revenue totals.

    Args:
        status: Only orders in this status.
        query: Text to match in customer, customer email or order number.
        sku: Only orders with a line for this SKU.
        placed_from: Placed on or after this day, YYYY-MM-DD.
        placed_to: Placed on or before this day, YYYY-MM-DD.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    filters = (Filters().add("status = ?", status).like(("customer", "customer_email", "number"), query)
               .add("id IN (SELECT order_id FROM orders_lines WHERE UPPER(sku) = UPPER(?))", sku)
               .add("substr(created_at, 1, 10) >= ?", _day(placed_from))
               .add("substr(created_at, 1, 10) <= ?", _day(placed_to)))
    return await fetch_page(
        ctx.db, OrderPage, select="id", from_="orders", filters=filters, order_by="id DESC", limit=limit, offset=offset,
        item=lambda r: load(ctx, r["id"]))


@skill(title="Sales summary",
       examples=("how are sales this month", "revenue over a period"),
       synonyms=("revenue", "turnover", "sales", "income"),
       category="analytics", read_only=True, instructions="""
    Sales over a date range (inclusive; default the last 30 days up to today) in one currency:
    orders paid in the range that were not refunded or cancelled, their revenue after discounts,
    the discounts given, the average order value, refunds made in the range, and the top products
    by revenue (line value before order discounts).
    """)
async def sales_summary(
    ctx: SkillContext,
    date_from: date | None = None,
    date_to: date | None = None,
    currency: Annotated[str, Field(pattern=CURRENCY)] = "EUR",
    top: Annotated[int, Field(ge=1, le=50)] = 5,
) -> SalesSummary:
    """Summarise sales over a date range. Use when asking how sales went; NOT for listing single orders.

    Args:
        date_from: First day, YYYY-MM-DD (default 29 days before date_to).
        date_to: Last day, YYYY-MM-DD (default today).
        currency: Only orders in this currency.
        top: How many top products to list.
    """
    end = date_to or ctx.now().date()
    start = date_from or end - timedelta(days=29)
    if start > end:
        raise SkillFailed(f"date_from ({start}) is after date_to ({end}); swap them")
    span = (start.isoformat(), end.isoformat(), currency)
    totals = await ctx.db.fetchone(f"SELECT COUNT(*) AS n, COALESCE(SUM(total_cents), 0) AS revenue, "
                                   f"COALESCE(SUM(discount_cents), 0) AS discounts FROM orders WHERE {KEPT}", span)
    refunds = await ctx.db.fetchone("SELECT COUNT(*) AS n, COALESCE(SUM(total_cents), 0) AS amount FROM orders "
                                    "WHERE status = 'refunded' AND substr(refunded_at, 1, 10) BETWEEN ? AND ? "
                                    "AND currency = ?", span)
    best = await ctx.db.fetchall(
        "SELECT MAX(l.sku) AS sku, MAX(l.name) AS name, SUM(l.quantity) AS quantity,"
        " SUM(l.quantity * l.unit_price_cents) AS revenue_cents "
        f"FROM orders_lines l WHERE l.order_id IN (SELECT id FROM orders WHERE {KEPT}) "
        "GROUP BY l.product_id ORDER BY revenue_cents DESC, quantity DESC, sku LIMIT ?", (*span, top))
    assert totals is not None and refunds is not None
    count = int(totals["n"])
    return SalesSummary(date_from=start.isoformat(), date_to=end.isoformat(), currency=currency, order_count=count,
                        revenue_cents=totals["revenue"], discount_cents=totals["discounts"],
                        average_order_cents=round(totals["revenue"] / count) if count else 0,
                        refunded_count=refunds["n"], refunded_cents=refunds["amount"],
                        top_products=[TopProduct(**r) for r in best])
