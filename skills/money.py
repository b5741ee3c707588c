"""Money and document numbers, shared by the modules that bill (invoicing, quotes, products, orders).

Amounts are integer cents everywhere; these helpers only format them and draw the next number of
a yearly sequence (PREFIX-YYYY-0001), so every document reads and counts the same way.
"""

from __future__ import annotations

from skills.context import SkillContext


def format_money(cents: int, currency: str) -> str:
    """``EUR 1,234.50``: the currency code first, two decimals, thousands separated."""
    return f"{currency} {cents / 100:,.2f}"


async def next_yearly_number(ctx: SkillContext, table: str, prefix: str, year: int) -> str:
    """The next PREFIX-YYYY-NNNN in ``table.number``, sequential per year.

    Call it inside the transaction that stores the number (the write path is serialized), and only
    when the document goes out, so drafts leave no gaps. ``table`` is a module's own constant.
    """
    last = await ctx.db.fetchval(f"SELECT MAX(number) FROM {table} WHERE number LIKE ?", (f"{prefix}-{year}-%",))
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}-{year}-{sequence:04d}"
