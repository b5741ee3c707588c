"""Finding purchase orders: a filtered, paginated list with each order's vendor, total and progress."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from modules.purchasing.model import OrderPage
from skills import Filters, SkillContext, fetch_page, skill

Status = Literal["draft", "sent", "partially_received", "received", "cancelled"]


# One row per order with its totals, so filters and paging apply to orders, not to lines.
ORDERS = """(SELECT o.id, o.vendor_id, v.name AS vendor, o.status, o.created_at,
       COALESCE(SUM(l.quantity * l.unit_cost_cents), 0) AS total_cents,
       COALESCE(SUM(l.quantity), 0) AS units_ordered, COALESCE(SUM(l.received), 0) AS units_received
     FROM purchasing_orders o JOIN purchasing_vendors v ON v.id = o.vendor_id
     LEFT JOIN purchasing_lines l ON l.po_id = o.id GROUP BY o.id, v.name) AS orders"""


@skill(title="List purchase orders",
       examples=("what have we ordered from suppliers", "which deliveries are still to come"),
       synonyms=("supplier orders", "pending deliveries", "waiting"),
       read_only=True,
       instructions="""
       Purchase orders, newest first, with vendor, total and units received of units ordered.
       Filter by status (draft, sent, partially_received, received, cancelled), by vendor id or by
       a vendor-name fragment; page with limit and offset. Open one order's lines by receiving or
       sending it by id (purchasing_receive, purchasing_send_order).
       """)
async def list_orders(
    ctx: SkillContext,
    status: Status | None = None,
    vendor_id: int | None = None,
    vendor: Annotated[str | None, Field(max_length=120)] = None,
    limit: Annotated[int, Field(ge=1, le=200)] = 20,
    offset: Annotated[int, Field(ge=0)] = 0,
) -> OrderPage:
    """List purchase orders with filters. Use to find an order or see what is still to arrive; NOT for spend totals.

    Args:
        status: Only orders in this state.
        vendor_id: Only this vendor's orders.
        vendor: Part of the vendor's name.
        limit: Page size (1-200).
        offset: How many to skip.
    """
    filters = Filters().add("status = ?", status).add("vendor_id = ?", vendor_id).like(["vendor"], vendor)
    return await fetch_page(
        ctx.db, OrderPage, select="*", from_=ORDERS, filters=filters, order_by="id DESC", limit=limit, offset=offset)
