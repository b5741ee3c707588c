"""Sample invoices for `pilothouse seed-demo`: receivables in every state a bookkeeper meets.

Plain SQL on the module's own tables, so nothing is emailed, no outbox row is written and no event
fires: seeding never reaches a customer. The invoice that is ~2 weeks past due is left `sent` on
purpose, so the first `invoicing_check_overdue` run has something to flag (and the dunning flow
starts from there, under approval). Numbered invoices draw from the real sequence in issue order,
so the first real invoice sent afterwards continues after them.
"""

from __future__ import annotations

from datetime import timedelta

from modules.invoicing.model import LineIn, load, next_number
from skills import SkillContext

# (customer, email, status, issued days ago (None: draft), terms days, lines, payment)
Payment = tuple[float, int]  # share of the total, paid days ago
INVOICES: list[tuple[str, str, str, int | None, int, list[LineIn], Payment | None]] = [
    ("Fernwood Bakery", "accounts@fernwood.example", "overdue", 75, 30,
     [LineIn(description="Point-of-sale setup", quantity=1, unit_price_cents=120_000),
      LineIn(description="Staff training (hours)", quantity=6, unit_price_cents=9_500)], None),
    ("Kestrel Logistics", "li@kestrel.example", "paid", 48, 14,
     [LineIn(description="Route planning pilot", quantity=1, unit_price_cents=400_000)], (1.0, 39)),
    ("Northwind Traders", "maria@northwind.example", "sent", 44, 30,
     [LineIn(description="Annual plan, 25 seats", quantity=25, unit_price_cents=60_000)], None),
    ("Blue Harbor Studio", "tom@blueharbor.example", "sent", 12, 30,
     [LineIn(description="Design sprint (days)", quantity=5, unit_price_cents=90_000)], (0.4, 2)),
    ("Alder & Pine Architects", "office@alderpine.example", "sent", 3, 14,
     [LineIn(description="Website hosting, Q4", quantity=3, unit_price_cents=4_900),
      LineIn(description="Content updates (hours)", quantity=4, unit_price_cents=8_000)], None),
    ("Northwind Traders", "maria@northwind.example", "draft", None, 30,
     [LineIn(description="Onboarding workshop", quantity=1, unit_price_cents=150_000)], None),
]


async def seed(ctx: SkillContext) -> None:
    now = ctx.now()
    today = now.date()
    # INVOICES lists the numbered ones oldest first, so numbers follow issue dates like real sends.
    for customer, email, status, issued_ago, terms, lines, payment in INVOICES:
        issued = None if issued_ago is None else today - timedelta(days=issued_ago)
        number = None if issued is None else await next_number(ctx, issued.year)
        result = await ctx.db.execute(
            "INSERT INTO invoicing_invoices (number, customer, customer_email, status, currency, tax_rate_percent, "
            "terms_days, issue_date, due_date, created_at) VALUES (?, ?, ?, ?, 'EUR', 20, ?, ?, ?, ?)",
            (number, customer, email, status, terms, issued.isoformat() if issued else None,
             (issued + timedelta(days=terms)).isoformat() if issued else None,
             (now - timedelta(days=(issued_ago or 0) + 1)).isoformat(timespec="seconds")))
        invoice_id = result.lastrowid or 0
        await ctx.db.executemany(
            "INSERT INTO invoicing_lines (invoice_id, description, quantity, unit_price_cents) VALUES (?, ?, ?, ?)",
            [(invoice_id, ln.description, ln.quantity, ln.unit_price_cents) for ln in lines])
        if payment is not None:
            # The amount comes from the module's own totals, so `paid` means exactly a zero balance.
            share, paid_ago = payment
            invoice = await load(ctx, invoice_id)
            await ctx.db.execute(
                "INSERT INTO invoicing_payments (invoice_id, amount_cents, paid_on, reference) VALUES (?, ?, ?, ?)",
                (invoice_id, round(invoice.total_cents * share), (today - timedelta(days=paid_ago)).isoformat(),
                 f"Bank transfer {number}"))
