"""Vendors and purchase orders: draft -> sent -> received (line by line) | cancelled; spend per vendor.

Receiving a line whose SKU is in the product catalog adds the received quantity to its stock
through the catalog's stock ledger, when the products module is installed (its table is looked up).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from modules.products.model import move_stock
from modules.purchasing.model import Line, LineIn, PurchaseOrder, SpendReport, Vendor, VendorSpend
from skills import NotFound, SkillContext, SkillFailed, fetch_one, skill
from skills.messages import Email


async def _po(ctx: SkillContext, po_id: int) -> PurchaseOrder:
    row = await fetch_one(
        ctx.db, "SELECT * FROM purchasing_orders WHERE id = ?", (po_id,), missing=f"no purchase order with id {po_id}")
    lines = [Line(**r) for r in await ctx.db.fetchall(
        "SELECT id, description, quantity, unit_cost_cents, sku, received FROM purchasing_lines WHERE po_id = ? "
        "ORDER BY id", (po_id,))]
    return PurchaseOrder(id=row["id"], vendor_id=row["vendor_id"], status=row["status"],
                         total_cents=sum(ln.quantity * ln.unit_cost_cents for ln in lines), lines=lines)


@skill(title="Add a vendor",
       examples=("add a supplier", "new supplier we buy from"),
       synonyms=("supplier", "wholesaler", "distributor"),
       instructions="Registers a supplier you buy from (unique name) and the address purchase orders are emailed to.")
async def add_vendor(ctx: SkillContext, name: Annotated[str, Field(min_length=2, max_length=120)],
                     email: Annotated[str | None, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] = None) -> Vendor:
    """Add a vendor (a supplier you buy from).

    Args:
        name: Vendor name, unique.
        email: Where purchase orders go.
    """
    if await ctx.db.fetchone("SELECT 1 FROM purchasing_vendors WHERE name = ?", (name,)):
        raise SkillFailed(f"vendor {name!r} already exists")
    result = await ctx.db.execute("INSERT INTO purchasing_vendors (name, email) VALUES (?, ?)", (name, email))
    return Vendor(id=result.lastrowid or 0, name=name, email=email)


@skill(title="Draft a purchase order",
       examples=("order supplies from a vendor", "buy stock from a supplier"),
       synonyms=("buy", "purchase", "order from", "supplies"),
       instructions="A draft purchase order for a vendor with lines (quantity, unit cost in cents, optional SKU).")
async def create_order(ctx: SkillContext, vendor_id: int,
                       lines: Annotated[list[LineIn], Field(min_length=1)]) -> PurchaseOrder:
    """Draft a purchase order.

    Args:
        vendor_id: The vendor.
        lines: Order lines.
    """
    await fetch_one(
        ctx.db, "SELECT 1 FROM purchasing_vendors WHERE id = ?", (vendor_id,),
        missing=f"no vendor with id {vendor_id}; purchasing_add_vendor first")
    result = await ctx.db.execute("INSERT INTO purchasing_orders (vendor_id, status, created_at) "
                                  "VALUES (?, 'draft', ?)", (vendor_id, ctx.now_iso()))
    po_id = result.lastrowid or 0
    for line in lines:
        await ctx.db.execute("INSERT INTO purchasing_lines (po_id, description, quantity, unit_cost_cents, sku) "
                             "VALUES (?, ?, ?, ?, ?)", (po_id, line.description, line.quantity, line.unit_cost_cents,
                                                        line.sku))
    return await _po(ctx, po_id)


@skill(title="Send a purchase order",
       effects=("message", "money"),
       examples=("send the order to the supplier", "place the purchase order with the vendor"),
       synonyms=("supplier", "place"),
       trust="approve",
       targets={"po_id": "purchasing_orders"},
       open_world=True, instructions="""
       Commits to buy: emails the order to the vendor (through the outbox) and marks it sent. Only
       drafts can be sent. Spends money: approve trust.
       """)
async def send_order(ctx: SkillContext, po_id: int) -> PurchaseOrder:
    """Send a draft purchase order to its vendor.

    Args:
        po_id: The purchase order.
    """
    po = await _po(ctx, po_id)
    if po.status != "draft":
        raise SkillFailed(f"purchase order {po_id} is {po.status}; only drafts can be sent")
    vendor = await ctx.db.fetchone("SELECT name, email FROM purchasing_vendors WHERE id = ?", (po.vendor_id,))
    assert vendor is not None
    if not vendor["email"]:
        raise SkillFailed(f"vendor {vendor['name']} has no email; add one before sending")
    body = "\n".join(f"- {ln.quantity} x {ln.description} @ {ln.unit_cost_cents / 100:.2f}" for ln in po.lines)
    await ctx.send(Email(to=vendor["email"], subject=f"Purchase order PO-{po_id}",
                         text=f"Please supply:\n{body}\nTotal: {po.total_cents / 100:.2f}",
                         purpose=f"purchase:{po_id}"))
    await ctx.db.execute("UPDATE purchasing_orders SET status = 'sent' WHERE id = ?", (po_id,))
    return await _po(ctx, po_id)


@skill(title="Receive goods",
       examples=("the delivery from the supplier arrived", "book in the goods we received", "record what came in"),
       synonyms=("delivery", "arrived", "goods in", "came in", "received"),
       instructions="""
    Records goods received against a sent order, line by line (never more than ordered). When every
    line is complete the order becomes `received`. Lines with a SKU add to product stock if the
    products module is installed.
    """)
async def receive(ctx: SkillContext, po_id: int, line_id: int, quantity: Annotated[int, Field(ge=1)]) -> PurchaseOrder:
    """Record received quantity for one line of a purchase order.

    Args:
        po_id: The purchase order.
        line_id: The line received.
        quantity: How many units arrived.
    """
    po = await _po(ctx, po_id)
    if po.status not in ("sent", "partially_received"):
        raise SkillFailed(f"purchase order {po_id} is {po.status}; only sent orders can be received")
    line = next((ln for ln in po.lines if ln.id == line_id), None)
    if line is None:
        raise NotFound(f"purchase order {po_id} has no line {line_id}")
    if line.received + quantity > line.quantity:
        raise SkillFailed(f"line {line_id} ordered {line.quantity}, {line.received} already received; "
                          f"at most {line.quantity - line.received} more")
    await ctx.db.execute("UPDATE purchasing_lines SET received = received + ? WHERE id = ?", (quantity, line_id))
    if line.sku:
        await _into_stock(ctx, line.sku, quantity, po_id)
    updated = await _po(ctx, po_id)
    status = "received" if all(ln.received == ln.quantity for ln in updated.lines) else "partially_received"
    await ctx.db.execute("UPDATE purchasing_orders SET status = ? WHERE id = ?", (status, po_id))
    return await _po(ctx, po_id)


async def _into_stock(ctx: SkillContext, sku: str, quantity: int, po_id: int) -> None:
    """Goods in go through the product catalog's stock ledger, when products is installed and knows the SKU."""
    if not await ctx.db.fetchone("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'products'"):
        return
    product_id = await ctx.db.fetchval("SELECT id FROM products WHERE UPPER(sku) = UPPER(?)", (sku,))
    if product_id is not None:
        await move_stock(ctx, product_id, quantity, "restock", f"PO-{po_id}")


@skill(title="Cancel a purchase order",
       effects=("cancellation",),
       examples=("cancel the supplier order", "we no longer need that purchase order"),
       synonyms=("cancel", "supplier"),
       destructive=True,
       instructions="""
       Cancels a draft or sent purchase order on which nothing was received yet (tell the vendor
       yourself if it was sent). An order with goods received cannot be cancelled: receive the rest
       or leave it partially received.
       """)
async def cancel_order(ctx: SkillContext, po_id: int) -> PurchaseOrder:
    """Cancel a purchase order nothing was received on. Use when the purchase is off; NOT after goods arrived.

    Args:
        po_id: The purchase order.
    """
    po = await _po(ctx, po_id)
    if po.status not in ("draft", "sent"):
        raise SkillFailed(f"purchase order {po_id} is {po.status}; only draft or sent orders with nothing "
                          "received can be cancelled")
    await ctx.db.execute("UPDATE purchasing_orders SET status = 'cancelled' WHERE id = ?", (po_id,))
    return await _po(ctx, po_id)


@skill(title="Spend by vendor",
       examples=("how much do we spend per supplier", "our biggest suppliers by spend"),
       synonyms=("supplier", "spend", "costs"),
       category="analytics", read_only=True,
       instructions="Committed spend (sent and received orders) per vendor, highest first.")
async def spend_by_vendor(ctx: SkillContext) -> SpendReport:
    """Total committed spend per vendor."""
    rows = await ctx.db.fetchall(
        "SELECT v.name AS vendor, COUNT(DISTINCT o.id) AS orders, COALESCE(SUM(l.quantity * l.unit_cost_cents), 0) AS "
        "spend_cents FROM purchasing_vendors v JOIN purchasing_orders o ON o.vendor_id = v.id AND o.status != 'draft' "
        "JOIN purchasing_lines l ON l.po_id = o.id GROUP BY v.id ORDER BY spend_cents DESC")
    return SpendReport(vendors=[VendorSpend(**r) for r in rows])
