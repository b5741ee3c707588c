"""Sample vendors and purchase orders for `pilothouse seed-demo`: restocking in several stages.

Plain SQL: no order is emailed to a vendor and no outbox row is written. Lines carry SKUs from the
products demo catalog, but received quantities do not touch stock: the catalog's opening stock
already counts what has arrived, and only later, real receiving adds to it.
"""

from __future__ import annotations

from datetime import timedelta

from modules.purchasing.model import LineIn
from skills import SkillContext

VENDORS = [("Boxwell Packaging", "hello@boxwell.example"), ("Enamelware Co.", "trade@enamelware.example"),
           ("Riso Print Collective", "orders@risoprint.example"), ("Cotton Roots Apparel", "sales@cottonroots.example")]
# (vendor, status, created days ago, [(line, received)])
ORDERS = [
    ("Boxwell Packaging", "received", 22,
     [(LineIn(description="Shipping boxes, small", quantity=500, unit_cost_cents=45), 500),
      (LineIn(description="Packing tape rolls", quantity=24, unit_cost_cents=390), 24)]),
    ("Enamelware Co.", "partially_received", 10,
     [(LineIn(description="Blue enamel mug", quantity=120, unit_cost_cents=520, sku="MUG-BLUE"), 60)]),
    ("Riso Print Collective", "sent", 3,
     [(LineIn(description="Harbour poster A2", quantity=30, unit_cost_cents=900, sku="POSTER-A2"), 0)]),
    ("Cotton Roots Apparel", "draft", 0,
     [(LineIn(description="Logo T-shirt (M)", quantity=40, unit_cost_cents=850, sku="TEE-LOGO-M"), 0),
      (LineIn(description="Logo T-shirt (L)", quantity=25, unit_cost_cents=850), 0)]),
]


async def seed(ctx: SkillContext) -> None:
    now = ctx.now()
    vendors = {}
    for name, email in VENDORS:
        result = await ctx.db.execute("INSERT INTO purchasing_vendors (name, email) VALUES (?, ?)", (name, email))
        vendors[name] = result.lastrowid or 0
    for vendor, status, days_ago, lines in ORDERS:
        result = await ctx.db.execute(
            "INSERT INTO purchasing_orders (vendor_id, status, created_at) VALUES (?, ?, ?)",
            (vendors[vendor], status, (now - timedelta(days=days_ago)).isoformat(timespec="seconds")))
        await ctx.db.executemany(
            "INSERT INTO purchasing_lines (po_id, description, quantity, unit_cost_cents, sku, received) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(result.lastrowid, ln.description, ln.quantity, ln.unit_cost_cents, ln.sku, received)
             for ln, received in lines])
