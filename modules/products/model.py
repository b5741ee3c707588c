"""Product data and the one place stock moves: every change goes through ``move_stock``.

Orders import ``move_stock`` too, so the rule "stock never goes below zero, and every change
leaves a ledger row with its reason" holds no matter which module moves the stock.
"""

from __future__ import annotations

from typing import Literal

from skills import Page, Record, SkillContext, SkillFailed, fetch_one

COLUMNS = ("id, sku, name, description, price_cents, currency, status, stock, low_stock_threshold, "
           "created_at, updated_at")
# Reasons a person gives for a manual adjustment; orders write their own (sale, order_cancelled, order_refunded).
ManualReason = Literal["restock", "correction", "damaged", "lost", "returned"]
Reason = Literal["initial", "restock", "correction", "damaged", "lost", "returned", "sale", "order_cancelled",
                 "order_refunded"]
SKU = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"


class Product(Record):
    id: int
    sku: str
    name: str
    description: str
    price_cents: int
    currency: str
    status: str
    stock: int
    low_stock_threshold: int
    created_at: str
    updated_at: str


class ProductPage(Page[Product]):
    pass


class Movement(Record):
    id: int
    product_id: int
    sku: str
    delta: int
    stock_after: int
    reason: str
    note: str
    created_at: str


async def load(ctx: SkillContext, product_id: int) -> Product:
    row = await fetch_one(
        ctx.db, f"SELECT {COLUMNS} FROM products WHERE id = ?", (product_id,),
        missing=f"no product with id {product_id}; products_list shows them")
    return Product(**row)


async def move_stock(ctx: SkillContext, product_id: int, delta: int, reason: Reason, note: str = "") -> Movement:
    """Change a product's stock by ``delta`` and record why; refuse to go below zero.

    The guarded UPDATE (``stock + delta >= 0``) is the real check, so two callers in a race
    cannot both take the last unit; the CHECK constraint on the table backs it up.
    """
    if delta == 0:
        raise SkillFailed("a stock movement of 0 changes nothing; give a positive or negative delta")
    product = await load(ctx, product_id)
    changed = await ctx.db.execute("UPDATE products SET stock = stock + ?, updated_at = ? "
                                   "WHERE id = ? AND stock + ? >= 0", (delta, ctx.now_iso(), product_id, delta))
    if changed.rowcount == 0:
        raise SkillFailed(f"{product.sku} has {product.stock} in stock; removing {-delta} would leave "
                          f"{product.stock + delta}. Stock cannot go negative: remove at most {product.stock}")
    after = product.stock + delta
    result = await ctx.db.execute(
        "INSERT INTO products_stock_movements (product_id, delta, stock_after, reason, note, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)", (product_id, delta, after, reason, note, ctx.now_iso()))
    return Movement(id=result.lastrowid or 0, product_id=product_id, sku=product.sku, delta=delta, stock_after=after,
                    reason=reason, note=note, created_at=ctx.now_iso())


class CsvExport(Record):
    rows: int
    csv: str


class Adjusted(Record):
    product: Product
    movement: Movement


class MovementPage(Page[Movement]):
    pass


class LowStockItem(Record):
    product_id: int
    sku: str
    name: str
    stock: int
    threshold: int
    below_threshold_by: int


class LowStock(Record):
    items: list[LowStockItem]
    out_of_stock: int
