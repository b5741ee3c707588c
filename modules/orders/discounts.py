"""Discount codes: percent or fixed amount, a validity window, a redemption cap and a minimum order.

Redemptions are counted from the orders that used a code and are not cancelled, so cancelling
an order frees its redemption and there is no counter that can drift.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from modules.orders.model import DiscountCode, Redemption
from skills import SkillContext, SkillFailed, fetch_one, skill
from skills.formats import CURRENCY
from skills.money import format_money as money

CODE = r"^[A-Za-z0-9_-]{3,32}$"


async def load_code(ctx: SkillContext, code: str) -> DiscountCode:
    row = await fetch_one(
        ctx.db,
        "SELECT d.*, (SELECT COUNT(*) FROM orders o WHERE o.discount_code_id = d.id AND o.status != 'cancelled') "
        "AS redemptions FROM orders_discount_codes d WHERE d.code = ?", (code.upper(),),
        missing=f"no discount code {code.upper()}; check the spelling or create it with "
        "orders_create_discount")
    return DiscountCode(**row)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def discount_for(code: DiscountCode, subtotal_cents: int) -> int:
    """Percent rounds to the cent; a fixed amount never takes the order below zero."""
    if code.kind == "percent":
        return round(subtotal_cents * code.value / 100)
    return min(code.value, subtotal_cents)


async def redeem(ctx: SkillContext, code_text: str, subtotal_cents: int, currency: str) -> Redemption:
    """Check every rule of a code against an order, or fail saying which rule and how to meet it."""
    code = await load_code(ctx, code_text)
    today = ctx.now().date().isoformat()
    if code.valid_from and today < code.valid_from:
        raise SkillFailed(f"discount code {code.code} is not valid yet: it starts on {code.valid_from}")
    if code.valid_until and today > code.valid_until:
        raise SkillFailed(f"discount code {code.code} expired on {code.valid_until}")
    if code.max_redemptions is not None and code.redemptions >= code.max_redemptions:
        raise SkillFailed(f"discount code {code.code} is used up: redeemed {code.redemptions} of "
                          f"{code.max_redemptions} times")
    if code.currency != currency:
        raise SkillFailed(f"discount code {code.code} is in {code.currency}; this order is in {currency}")
    if subtotal_cents < code.min_order_cents:
        raise SkillFailed(f"discount code {code.code} needs an order of at least "
                          f"{money(code.min_order_cents, currency)}; this order is {money(subtotal_cents, currency)}"
                          f" (add {money(code.min_order_cents - subtotal_cents, currency)} more)")
    return Redemption(code_id=code.id, code=code.code, discount_cents=discount_for(code, subtotal_cents))


@skill(title="Create discount code",
       effects=("money",),
       examples=("create a coupon", "promo code for a sale"),
       synonyms=("coupon", "promo", "voucher", "code"),
       instructions="""
    A code customers enter at checkout (stored upper-case, matched case-insensitively). `percent`
    takes value % off the subtotal (1-100); `fixed` takes value cents off (never below zero), in
    the code's currency. Optional: first and last valid day (inclusive), a cap on redemptions
    (cancelled orders give theirs back) and a minimum subtotal. orders_place enforces every rule
    and says which one failed. Emits `discount.created`.
    """)
async def create_discount(
    ctx: SkillContext,
    code: Annotated[str, Field(pattern=CODE)],
    kind: Literal["percent", "fixed"],
    value: Annotated[int, Field(ge=1, le=100_000_000)],
    currency: Annotated[str, Field(pattern=CURRENCY)] = "EUR",
    min_order_cents: Annotated[int, Field(ge=0)] = 0,
    valid_from: date | None = None,
    valid_until: date | None = None,
    max_redemptions: Annotated[int | None, Field(ge=1)] = None,
) -> DiscountCode:
    """Create a discount code. Use when running a promotion; NOT for one-off price changes (products_update).

    Args:
        code: The code customers type, 3-32 letters, digits, '-' or '_'.
        kind: percent (value is a percentage) or fixed (value is cents off).
        value: Percent off (1-100) or cents off.
        currency: Currency of the order the code applies to.
        min_order_cents: Smallest order subtotal, in cents, that may use it.
        valid_from: First day it works, YYYY-MM-DD (default: now).
        valid_until: Last day it works, YYYY-MM-DD (default: no end).
        max_redemptions: How many orders may use it (default: unlimited).
    """
    if kind == "percent" and value > 100:
        raise SkillFailed(f"a percent discount is at most 100; {value} was given (for an amount use kind=fixed)")
    if valid_from and valid_until and valid_until < valid_from:
        raise SkillFailed(f"valid_until ({valid_until}) is before valid_from ({valid_from}); swap or fix the dates")
    if await ctx.db.fetchone("SELECT 1 FROM orders_discount_codes WHERE code = ?", (code.upper(),)):
        raise SkillFailed(f"discount code {code.upper()} already exists; pick another code")
    await ctx.db.execute(
        "INSERT INTO orders_discount_codes (code, kind, value, currency, min_order_cents, valid_from, valid_until, "
        "max_redemptions, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (code.upper(), kind, value, currency, min_order_cents, _day(valid_from), _day(valid_until),
         max_redemptions, ctx.now_iso()))
    await ctx.emit("discount.created", {"code": code.upper(), "kind": kind, "value": value})
    return await load_code(ctx, code)
