"""Credit notes: a sent invoice never changes; a numbered credit note corrects it."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from modules.business.profile import load_profile
from modules.business.requirements import require
from modules.invoicing.invoices import named
from modules.invoicing.mail import mail_credit_note
from modules.invoicing.model import CreditNoteIssued, load
from modules.invoicing.sheets import credit_split
from skills import Preview, SkillContext, SkillFailed, consequence, skill
from skills.money import format_money as money
from skills.money import next_yearly_number


async def preview_credit(ctx: SkillContext, invoice_id: int, amount_cents: int, reason: str) -> Preview:
    invoice = await load(ctx, invoice_id)
    after = max(0, invoice.balance_cents - amount_cents)
    back = amount_cents - (invoice.balance_cents - after)
    summary = (f"Credit {money(amount_cents, invoice.currency)} on {named(invoice)} of {invoice.customer}: "
               f"balance {money(invoice.balance_cents, invoice.currency)} -> {money(after, invoice.currency)}; "
               f"a numbered credit note is emailed to {invoice.customer_email}")
    if back > 0:
        summary += f"; {money(back, invoice.currency)} is money to give back"
    return Preview(summary=summary, lines=[consequence(f"reason: {reason}", "invoicing_invoices", invoice.id,
                                                       named(invoice))])


@skill(title="Issue a credit note",
       effects=("message", "money"),
       examples=("refund part of an invoice", "reduce what a customer owes", "correct a sent invoice"),
       synonyms=("refund", "credit", "reduce", "money back", "correction"),
       trust="approve", open_world=True, preview=preview_credit,
       targets={"invoice_id": "invoicing_invoices"},
       instructions="""
       Corrects a sent, overdue or paid invoice without changing it (a refund, a discount after the
       fact), up to the invoice total: the credit note gets the next number (CN-YYYY-0001 per year,
       gap-free), names the invoice it corrects, splits the credit over the invoice's tax rates in
       proportion (so the tax corrected per rate matches what was charged), is kept as a PDF and
       emailed to the customer with it attached. On a paid invoice the credit is money to give back.
       Refused while the business profile lacks what a credit note legally needs. Approve trust.
       """)
async def credit_note(ctx: SkillContext, invoice_id: int, amount_cents: Annotated[int, Field(gt=0)],
                      reason: Annotated[str, Field(min_length=3, max_length=300)]) -> CreditNoteIssued:
    """Issue a credit note against an invoice (the invoice itself never changes).

    Args:
        invoice_id: The invoice.
        amount_cents: Amount credited in cents, tax included.
        reason: Why, printed on the credit note.
    """
    invoice = await load(ctx, invoice_id)
    if invoice.status not in ("sent", "overdue", "paid"):
        raise SkillFailed(f"invoice {invoice_id} is {invoice.status}; credit notes apply to sent or paid invoices")
    if amount_cents > invoice.total_cents:
        raise SkillFailed(f"the credit ({amount_cents}) is more than what the invoice still totals "
                          f"({invoice.total_cents}, after earlier credit notes)")
    profile = require(await load_profile(ctx.db), "credit_note")
    today = profile.today(ctx.now())
    number = await next_yearly_number(ctx, "invoicing_credit_notes", "CN", today.year)
    result = await ctx.db.execute("INSERT INTO invoicing_credit_notes (invoice_id, amount_cents, reason, created_at, "
                                  "number) VALUES (?, ?, ?, ?, ?)",
                                  (invoice_id, amount_cents, reason, ctx.now_iso(), number))
    note_id = result.lastrowid or 0
    await mail_credit_note(ctx, invoice, note_id=note_id, number=number, day=today, reason=reason,
                           split=credit_split(invoice, amount_cents), profile=profile)
    updated = await load(ctx, invoice_id)
    if updated.balance_cents <= 0 and updated.status != "paid":
        await ctx.db.execute("UPDATE invoicing_invoices SET status = 'paid' WHERE id = ?", (invoice_id,))
    await ctx.emit("invoice.credited", {"id": invoice_id, "amount_cents": amount_cents, "number": number})
    final = await load(ctx, invoice_id)
    return CreditNoteIssued(credit_note=next(n for n in final.credit_notes if n.id == note_id), invoice=final)
