"""Sample quotes for `pilothouse seed-demo`: one of each kind a sales team has in flight.

Written with plain SQL like other modules' demo data: nothing is emailed and no invoice is made,
so seeding never reaches a customer. Sent quotes draw real numbers, so real ones continue after them.
"""

from __future__ import annotations

from datetime import timedelta

from modules.quotes.model import LineIn, add_lines, next_number, refresh_totals
from skills import SkillContext

# (customer, email, status, days until valid_until, lines)
QUOTES = [
    ("Northwind Traders", "maria@northwind.example", "sent", 21,
     [LineIn(description="Annual plan, 25 seats", quantity=25, unit_price_cents=60_000),
      LineIn(description="Onboarding workshop", quantity=1, unit_price_cents=150_000)]),
    ("Blue Harbor Studio", "tom@blueharbor.example", "draft", 30,
     [LineIn(description="Design sprint", quantity=5, unit_price_cents=90_000),
      LineIn(description="Build and launch", quantity=10, unit_price_cents=85_000)]),
    ("Kestrel Logistics", "li@kestrel.example", "declined", -5,
     [LineIn(description="Route planning pilot", quantity=1, unit_price_cents=400_000)]),
]


async def seed(ctx: SkillContext) -> None:
    now = ctx.now()
    for customer, email, status, days, lines in QUOTES:
        number = None if status == "draft" else await next_number(ctx, now.year)
        result = await ctx.db.execute(
            "INSERT INTO quotes (number, customer, customer_email, status, currency, tax_rate_percent, terms_days, "
            "valid_until, sent_at, decided_at, decline_reason, created_at) "
            "VALUES (?, ?, ?, ?, 'EUR', 20, 30, ?, ?, ?, ?, ?)",
            (number, customer, email, status, (now + timedelta(days=days)).date().isoformat(),
             (now - timedelta(days=9)).isoformat(timespec="seconds") if number else None,
             now.isoformat(timespec="seconds") if status == "declined" else None,
             "Went with an in-house team" if status == "declined" else None,
             (now - timedelta(days=10)).isoformat(timespec="seconds")))
        await add_lines(ctx, result.lastrowid or 0, lines)
        await refresh_totals(ctx, result.lastrowid or 0)
