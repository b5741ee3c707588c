"""Placing an order: check every line, then reserve all stock in the same transaction, or nothing."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from modules.orders.discounts import redeem
from modules.orders.model import LineIn, Order, load
from modules.products.model import move_stock
from skills import NotFound, SkillContext, SkillFailed, skill
from skills.formats import EMAIL


def merge_lines(lines: list[LineIn]) -> dict[str, int]:
    """Quantities per SKU (upper-cased), in first-seen order: the same SKU twice is one line."""
    wanted: dict[str, int] = {}
    for line in lines:
        wanted[line.sku.upper()] = wanted.get(line.sku.upper(), 0) + line.quantity
    return wanted


async def place_order(ctx: SkillContext, customer: str, customer_email: str, lines: list[LineIn],
                      discount_code: str | None = None) -> Order:
    """All checks first, then the writes. Any failure raises, and the skill's transaction rolls back,
    so a refused order leaves no order row, no stock change and no event behind."""
    wanted = merge_lines(lines)
    marks = ", ".join("?" * len(wanted))
    rows = await ctx.db.fetchall(f"SELECT id, sku, name, price_cents, currency, status, stock FROM products "
                                 f"WHERE UPPER(sku) IN ({marks})", tuple(wanted))
    found = {r["sku"].upper(): r for r in rows}
    unknown = [sku for sku in wanted if sku not in found]
    if unknown:
        raise NotFound(f"no product with SKU {', '.join(unknown)}; products_list shows the catalog")
    archived = [found[sku]["sku"] for sku in wanted if found[sku]["status"] != "active"]
    if archived:
        verb = "is" if len(archived) == 1 else "are"
        raise SkillFailed(f"{', '.join(archived)} {verb} archived and cannot be ordered; reactivate with "
                          "products_update or remove the line")
    currencies = sorted({r["currency"] for r in rows})
    if len(currencies) > 1:
        raise SkillFailed(f"an order has one currency; these lines mix {', '.join(currencies)}: split the order")
    short = [f"{found[sku]['sku']} needs {qty}, {found[sku]['stock']} in stock (short {qty - found[sku]['stock']})"
             for sku, qty in wanted.items() if qty > found[sku]["stock"]]
    if short:
        raise SkillFailed("not enough stock, nothing was ordered: " + "; ".join(short)
                          + ". Lower the quantities or restock with products_adjust_stock")
    currency = currencies[0]
    subtotal = sum(found[sku]["price_cents"] * qty for sku, qty in wanted.items())
    redemption = await redeem(ctx, discount_code, subtotal, currency) if discount_code else None
    discount = redemption.discount_cents if redemption else 0
    result = await ctx.db.execute(
        "INSERT INTO orders (number, customer, customer_email, status, currency, subtotal_cents, discount_code_id, "
        "discount_code, discount_cents, total_cents, created_at) VALUES ('', ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)",
        (customer, customer_email, currency, subtotal, redemption and redemption.code_id,
         redemption and redemption.code, discount, subtotal - discount, ctx.now_iso()))
    order_id = result.lastrowid or 0
    number = f"ORD-{order_id:05d}"
    await ctx.db.execute("UPDATE orders SET number = ? WHERE id = ?", (number, order_id))
    await ctx.db.executemany(
        "INSERT INTO orders_lines (order_id, product_id, sku, name, quantity, unit_price_cents) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(order_id, found[sku]["id"], found[sku]["sku"], found[sku]["name"], qty, found[sku]["price_cents"])
         for sku, qty in wanted.items()])
    for sku, qty in wanted.items():
        await move_stock(ctx, found[sku]["id"], -qty, "sale", number)
    await ctx.emit("order.created", {"id": order_id, "number": number, "total_cents": subtotal - discount,
                                     "currency": currency, "discount_code": redemption and redemption.code})
    return await load(ctx, order_id)


@skill(title="Place an order",
       examples=("a customer buys something", "create a sales order"),
       synonyms=("buy", "purchase", "sale", "checkout"),
       instructions="""
    Creates a pending order for a customer from lines of SKU and quantity (the same SKU twice is
    added up). Prices are captured from the catalog now; later price changes do not touch it. All
    stock is reserved in one transaction: if any line lacks stock the whole order is refused,
    naming each SKU and how many are missing, and nothing is written. An optional discount code
    must be valid today, not used up, in the order's currency and met by the subtotal.
    Emits `order.created`. Next: orders_advance to paid once the money arrives.
    """)
async def place(
    ctx: SkillContext,
    customer: Annotated[str, Field(min_length=2, max_length=200)],
    customer_email: Annotated[str, Field(pattern=EMAIL, max_length=254)],
    lines: Annotated[list[LineIn], Field(min_length=1, max_length=100)],
    discount_code: str | None = None,
) -> Order:
    """Place an order and reserve its stock. Use when a customer buys; NOT for quotes or for restocking.

    Args:
        customer: Customer name (person or company).
        customer_email: Customer email address.
        lines: Order lines, each a sku and a quantity.
        discount_code: A discount code to apply (orders_create_discount).
    """
    if discount_code is not None and not discount_code:
        raise SkillFailed("discount_code is empty; leave it out or give a code")
    return await place_order(ctx, customer, customer_email, lines, discount_code)
