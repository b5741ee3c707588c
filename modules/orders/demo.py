"""Orders: demo data for `pilothouse seed-demo`."""

from __future__ import annotations

from datetime import timedelta

from modules.orders import placing
from modules.orders.model import LineIn, set_status
from skills import SkillContext


async def seed(ctx: SkillContext) -> None:
    """A welcome code and two orders (one paid with it, one still pending) on the products demo catalog."""
    today = ctx.now().date()
    await ctx.db.execute(
        "INSERT INTO orders_discount_codes (code, kind, value, currency, min_order_cents, valid_from, valid_until, "
        "max_redemptions, created_at) VALUES ('WELCOME10', 'percent', 10, 'EUR', 2000, ?, ?, 100, ?)",
        (today.isoformat(), (today + timedelta(days=60)).isoformat(), ctx.now_iso()))
    paid = await placing.place_order(ctx, "Blue Harbor Studio", "shop@blueharbor.example",
                                     [LineIn(sku="MUG-BLUE", quantity=4), LineIn(sku="BAG-CANVAS", quantity=2)],
                                     "WELCOME10")
    await set_status(ctx, paid, "paid", "paid_at")
    await ctx.emit("order.paid", {"id": paid.id, "number": paid.number, "total_cents": paid.total_cents})
    await placing.place_order(ctx, "Li Wei", "li@kestrel.example", [LineIn(sku="TEE-LOGO-M", quantity=1)])
