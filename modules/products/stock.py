"""Stock levels: manual adjustments through the ledger, the ledger itself, and the low-stock report."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from modules.products.model import (
    Adjusted,
    LowStock,
    LowStockItem,
    ManualReason,
    MovementPage,
    Reason,
    load,
    move_stock,
)
from skills import Filters, SkillContext, SkillFailed, fetch_page, skill


@skill(title="Adjust stock",
       examples=("correct the stock count", "goods damaged, remove from stock", "add stock"),
       synonyms=("inventory", "stock count", "write off", "damaged", "broken"),
       instructions="""
    Adds or removes units of a product with a reason (restock, correction, damaged, lost,
    returned) and an optional note, written to the stock ledger. Stock can never go negative: a
    removal larger than what is on hand is refused and nothing changes. Orders move stock
    themselves; use this for deliveries, counts and write-offs. Emits `product.stock_adjusted`,
    and `product.low_stock` when the level falls to the threshold or below.
    """)
async def adjust_stock(
    ctx: SkillContext,
    product_id: int,
    delta: Annotated[int, Field(ge=-1_000_000, le=1_000_000)],
    reason: ManualReason,
    note: Annotated[str, Field(max_length=300)] = "",
) -> Adjusted:
    """Add or remove stock with a reason. Use when goods arrive, are counted or written off; NOT for orders.

    Args:
        product_id: The product.
        delta: Units to add (positive) or remove (negative).
        reason: restock, correction, damaged, lost or returned.
        note: Free text for the ledger, e.g. a delivery number.
    """
    if reason in ("restock", "returned") and delta < 0:
        raise SkillFailed(f"{reason} adds units; use a positive delta, or reason correction/damaged/lost to remove")
    if reason in ("damaged", "lost") and delta > 0:
        raise SkillFailed(f"{reason} removes units; use a negative delta, or reason restock/returned to add")
    before = await load(ctx, product_id)
    movement = await move_stock(ctx, product_id, delta, reason, note)
    product = await load(ctx, product_id)
    await ctx.emit("product.stock_adjusted", {"id": product_id, "sku": product.sku, "delta": delta,
                                              "reason": reason, "stock": product.stock})
    if product.stock <= product.low_stock_threshold < before.stock:
        await ctx.emit("product.low_stock", {"id": product_id, "sku": product.sku, "stock": product.stock,
                                             "threshold": product.low_stock_threshold})
    return Adjusted(product=product, movement=movement)


@skill(title="Stock ledger",
       examples=("history of stock changes", "why did stock change"),
       synonyms=("inventory history", "movements", "history"),
       read_only=True, instructions="""
    The stock movements ledger, newest first: every change with its delta, the level after it,
    the reason (initial, restock, correction, damaged, lost, returned, sale, order_cancelled,
    order_refunded) and a note (orders note their number). Filter by product and reason.
    """)
async def stock_ledger(
    ctx: SkillContext,
    product_id: int | None = None,
    reason: Reason | None = None,
    limit: int = 50,
    offset: int = 0,
) -> MovementPage:
    """List stock movements. Use when asking why a stock level is what it is; NOT for current levels.

    Args:
        product_id: Only this product's movements.
        reason: Only movements with this reason.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    if product_id is not None:
        await load(ctx, product_id)  # an unknown id is an error, not an empty page
    filters = Filters().add("m.product_id = ?", product_id).add("m.reason = ?", reason)
    return await fetch_page(
        ctx.db, MovementPage,
        select="m.id, m.product_id, p.sku, m.delta, m.stock_after, m.reason, m.note, m.created_at",
        from_="products_stock_movements m JOIN products p ON p.id = m.product_id", filters=filters,
        order_by="m.id DESC", limit=limit, offset=offset)


@skill(title="Low-stock report",
       examples=("what is running out", "items to reorder"),
       synonyms=("reorder", "running out", "low", "inventory"),
       read_only=True, instructions="""
    Active products whose stock is at or below their own low-stock threshold, emptiest first, with
    how far each is below it (0 when exactly at it). Archived products are left out. Set a
    product's threshold with products_update.
    """)
async def low_stock(ctx: SkillContext) -> LowStock:
    """Report products at or below their low-stock threshold. Use when planning reorders; NOT for the full catalog."""
    rows = await ctx.db.fetchall(
        "SELECT id, sku, name, stock, low_stock_threshold FROM products WHERE status = 'active' "
        "AND stock <= low_stock_threshold ORDER BY stock, sku COLLATE NOCASE")
    items = [LowStockItem(product_id=r["id"], sku=r["sku"], name=r["name"], stock=r["stock"],
                          threshold=r["low_stock_threshold"],
                          below_threshold_by=max(0, r["low_stock_threshold"] - r["stock"])) for r in rows]
    return LowStock(items=items, out_of_stock=sum(1 for i in items if i.stock == 0))
