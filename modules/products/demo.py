"""Products: demo data for `pilothouse seed-demo`."""

from __future__ import annotations

from modules.products.model import move_stock
from skills import SkillContext

DEMO = (("MUG-BLUE", "Blue enamel mug", "Camp mug, 350 ml.", 1_450, 40, 10),
        ("TEE-LOGO-M", "Logo T-shirt (M)", "Organic cotton, medium.", 2_400, 6, 8),
        ("BAG-CANVAS", "Canvas tote bag", "Heavy canvas, natural.", 1_900, 25, 5),
        ("POSTER-A2", "Harbour poster A2", "Risograph print.", 3_200, 0, 3))


async def seed(ctx: SkillContext) -> None:
    now = ctx.now_iso()
    for sku, name, description, price, on_hand, threshold in DEMO:
        result = await ctx.db.execute(
            "INSERT INTO products (sku, name, description, price_cents, currency, status, stock, low_stock_threshold,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, 'EUR', 'active', 0, ?, ?, ?)",
            (sku, name, description, price, threshold, now, now))
        if on_hand:
            await move_stock(ctx, result.lastrowid or 0, on_hand, "initial", "demo opening stock")
