"""An accepted quote becomes an invoicing draft. Plain SQL against invoicing's tables (quotes lists
invoicing in `requires`; modules never import each other's code). It runs inside the accepting
skill's transaction, so the invoice, its lines and the quote's status land together or not at all."""

from __future__ import annotations

from modules.quotes.model import Quote
from skills import SkillContext


async def draft_invoice(ctx: SkillContext, quote: Quote) -> int:
    result = await ctx.db.execute(
        "INSERT INTO invoicing_invoices (customer, customer_email, status, currency, tax_rate_percent, terms_days, "
        "created_at) VALUES (?, ?, 'draft', ?, ?, ?, ?)",
        (quote.customer, quote.customer_email, quote.currency, quote.tax_rate_percent, quote.terms_days,
         ctx.now_iso()))
    invoice_id = result.lastrowid or 0
    await ctx.db.executemany(
        "INSERT INTO invoicing_lines (invoice_id, description, quantity, unit_price_cents) VALUES (?, ?, ?, ?)",
        [(invoice_id, ln.description, ln.quantity, ln.unit_price_cents) for ln in quote.lines])
    return invoice_id
