"""The invoice lifecycle: draft -> sent -> paid | overdue | void; payments and credit notes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import Field

from modules.business.profile import load_profile
from modules.business.requirements import require
from modules.invoicing.mail import mail_invoice
from modules.invoicing.model import Invoice, InvoicePage, LineIn, add_lines, load, next_number
from skills import Filters, Preview, SkillContext, SkillFailed, consequence, fetch_page, skill
from skills.formats import CURRENCY, EMAIL
from skills.money import format_money as money


@skill(title="Draft an invoice",
       examples=("bill a customer for work", "write an invoice", "charge the client for the project"),
       synonyms=("bill", "charge", "invoice"),
       instructions="""
    Drafts an invoice: customer, lines (quantity x unit price in cents), a tax rate in percent and
    payment terms in days. Totals: subtotal = sum of lines (rounded per line), tax = subtotal x rate
    (rounded), total = subtotal + tax. Drafts have no number yet; sending assigns INV-YYYY-NNNN.
    """)
async def create_invoice(
    ctx: SkillContext,
    customer: Annotated[str, Field(min_length=2, max_length=200)],
    customer_email: Annotated[str, Field(pattern=EMAIL)],
    lines: Annotated[list[LineIn], Field(min_length=1)],
    tax_rate_percent: Annotated[float, Field(ge=0, le=50)] = 0,
    terms_days: Annotated[int | None, Field(ge=0, le=120)] = None,
    currency: Annotated[str | None, Field(pattern=CURRENCY)] = None,
    customer_address: Annotated[str | None, Field(max_length=500)] = None,
    customer_tax_id: Annotated[str | None, Field(max_length=40)] = None,
) -> Invoice:
    """Draft an invoice for a customer.

    Args:
        customer: Customer (company or person) name.
        customer_email: Where the invoice is sent.
        lines: Invoice lines: description, quantity, unit_price_cents, and optionally discount_percent and
            tax_rate_percent (a line's own rate).
        tax_rate_percent: Tax rate of lines without their own, e.g. 20 for 20 %.
        terms_days: Days to pay after sending (default: the business profile's payment terms).
        currency: ISO 4217 currency code (default: the business profile's currency).
        customer_address: The customer's postal address, one line per line.
        customer_tax_id: The customer's VAT number (business customers).
    """
    profile = await load_profile(ctx.db)
    result = await ctx.db.execute(
        "INSERT INTO invoicing_invoices (customer, customer_email, status, currency, tax_rate_percent, terms_days, "
        "created_at, customer_address, customer_tax_id) VALUES (?, ?, 'draft', ?, ?, ?, ?, ?, ?)",
        (customer, customer_email, currency or profile.currency, tax_rate_percent,
         profile.payment_terms_days if terms_days is None else terms_days, ctx.now_iso(), customer_address,
         customer_tax_id))
    invoice_id = result.lastrowid or 0
    await add_lines(ctx, invoice_id, lines)
    return await load(ctx, invoice_id)


def named(invoice: Invoice) -> str:
    return f"invoice {invoice.number}" if invoice.number else f"draft invoice #{invoice.id}"


async def preview_send(ctx: SkillContext, invoice_id: int) -> Preview:
    invoice = await load(ctx, invoice_id)
    if invoice.status != "draft":
        return Preview(summary=f"Nothing would be sent: {named(invoice)} is {invoice.status}, not a draft")
    today = ctx.now().date()
    terms = await ctx.db.fetchval("SELECT terms_days FROM invoicing_invoices WHERE id = ?", (invoice_id,))
    number = await next_number(ctx, today.year)
    due = today + timedelta(days=terms)
    return Preview(
        summary=f"Email invoice {number} to {invoice.customer} <{invoice.customer_email}>: "
                f"{money(invoice.total_cents, invoice.currency)}, due {due.isoformat()} ({terms} days)",
        lines=[consequence(f"{ln.quantity:g} x {ln.description} at {money(ln.unit_price_cents, invoice.currency)}",
                           "invoicing_invoices", invoice.id, named(invoice)) for ln in invoice.lines],
        note="It is numbered and marked sent; it cannot be unsent (only voided or credited).")


@skill(title="Send an invoice",
       effects=("message", "money"),
       examples=("send the bill to the client", "issue the invoice"),
       synonyms=("issue", "bill", "finalize"),
       trust="approve", open_world=True, preview=preview_send,
       targets={"invoice_id": "invoicing_invoices"},
       instructions="""
       Finalizes a draft: assigns the next number (INV-YYYY-0001 per year), sets issue and due dates
       (issue + terms, in the business's time zone), renders the PDF and keeps it unchangeable, then
       emails it to the customer through the outbox (HTML and text, the PDF attached) and marks it
       sent. Refused while the business profile lacks what an invoice legally needs (the message says
       which fields). Reaches a customer and cannot be undone (only voided or credited): approve trust.
       """)
async def send_invoice(ctx: SkillContext, invoice_id: int) -> Invoice:
    """Number, date and email a draft invoice to its customer.

    Args:
        invoice_id: The draft invoice.
    """
    invoice = await load(ctx, invoice_id)
    if invoice.status != "draft":
        raise SkillFailed(f"invoice {invoice_id} is {invoice.status}; only drafts can be sent")
    if invoice.total_cents <= 0:
        raise SkillFailed(f"invoice {invoice_id} totals zero; add a priced line first")
    profile = require(await load_profile(ctx.db), "invoice")
    today = profile.today(ctx.now())
    terms = await ctx.db.fetchval("SELECT terms_days FROM invoicing_invoices WHERE id = ?", (invoice_id,))
    number = await next_number(ctx, today.year)
    due = today + timedelta(days=terms)
    await ctx.db.execute("UPDATE invoicing_invoices SET number = ?, status = 'sent', issue_date = ?, due_date = ? "
                         "WHERE id = ?", (number, today.isoformat(), due.isoformat(), invoice_id))
    sent = await load(ctx, invoice_id)
    await mail_invoice(ctx, sent, profile)
    await ctx.emit("invoice.sent", {"id": invoice_id, "number": number, "total_cents": sent.total_cents})
    return await load(ctx, invoice_id)


@skill(title="Record a payment",
       examples=("the client paid", "money came in for an invoice", "mark the invoice paid"),
       synonyms=("paid", "payment", "received money", "settle"),
       instructions="""
    Records money received against a sent or overdue invoice. Partial payments are fine; paying more
    than the balance is refused. When the balance reaches zero the invoice is `paid` (invoice.paid).
    """)
async def record_payment(ctx: SkillContext, invoice_id: int, amount_cents: Annotated[int, Field(gt=0)],
                         paid_on: date | None = None, reference: str | None = None) -> Invoice:
    """Record a (partial) payment of an invoice.

    Args:
        invoice_id: The invoice.
        amount_cents: Amount received in cents.
        paid_on: Date received, YYYY-MM-DD (default today).
        reference: Bank reference.
    """
    invoice = await load(ctx, invoice_id)
    if invoice.status not in ("sent", "overdue"):
        raise SkillFailed(f"invoice {invoice_id} is {invoice.status}; payments go on sent or overdue invoices")
    if amount_cents > invoice.balance_cents:
        raise SkillFailed(f"{amount_cents} is more than the balance of {invoice.balance_cents}; record at most that")
    day = (paid_on or ctx.now().date()).isoformat()
    await ctx.db.execute("INSERT INTO invoicing_payments (invoice_id, amount_cents, paid_on, reference) VALUES "
                         "(?, ?, ?, ?)", (invoice_id, amount_cents, day, reference))
    if amount_cents == invoice.balance_cents:
        await ctx.db.execute("UPDATE invoicing_invoices SET status = 'paid' WHERE id = ?", (invoice_id,))
        await ctx.emit("invoice.paid", {"id": invoice_id, "number": invoice.number})
    return await load(ctx, invoice_id)


async def preview_void(ctx: SkillContext, invoice_id: int, reason: str) -> Preview:
    invoice = await load(ctx, invoice_id)
    ref = consequence(f"{named(invoice)} of {invoice.customer}: {money(invoice.total_cents, invoice.currency)}, "
                      f"{invoice.status}", "invoicing_invoices", invoice.id, named(invoice))
    return Preview(summary=f"Void {named(invoice)} of {invoice.customer} ("
                           f"{money(invoice.balance_cents, invoice.currency)} open) because: {reason}",
                   lines=[ref], note="Nothing is sent to the customer; its number stays used.")


@skill(title="Void an invoice",
       effects=("money", "cancellation"),
       examples=("cancel an invoice", "the invoice was wrong, scrap it"),
       synonyms=("cancel", "scrap", "annul", "mistake"),
       trust="approve", preview=preview_void,
       targets={"invoice_id": "invoicing_invoices"},
       destructive=True, instructions="""
       Cancels a sent or overdue invoice that has no payments (its number stays used, so numbering has
       no gaps). Paid or partly paid invoices cannot be voided: issue a credit note instead.
       """)
async def void_invoice(ctx: SkillContext, invoice_id: int, reason: Annotated[str, Field(min_length=3)]) -> Invoice:
    """Void an unpaid invoice.

    Args:
        invoice_id: The invoice.
        reason: Why it is voided.
    """
    invoice = await load(ctx, invoice_id)
    if invoice.paid_cents or invoice.status == "paid":
        raise SkillFailed(f"invoice {invoice_id} has payments; use invoicing_credit_note instead of voiding")
    if invoice.status not in ("draft", "sent", "overdue"):
        raise SkillFailed(f"invoice {invoice_id} is already {invoice.status}")
    await ctx.db.execute("UPDATE invoicing_invoices SET status = 'void', void_reason = ? WHERE id = ?",
                         (reason, invoice_id))
    return await load(ctx, invoice_id)


@skill(name="invoicing_list", title="List invoices",
                              examples=(
                                  "show the open invoices",
                                  "find invoices for a customer",
                                  "which invoices are unpaid",
                              ),
                              synonyms=("bills", "unpaid", "open"),
                              read_only=True,
       instructions="Invoices by status and customer, newest first, with totals and balances.")
async def list_invoices(ctx: SkillContext, status: Literal["draft", "sent", "paid", "overdue", "void"] | None = None,
                        customer: str | None = None, limit: int = 50, offset: int = 0) -> InvoicePage:
    """List invoices with filters.

    Args:
        status: Only this status.
        customer: Text to match in the customer's name.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    return await fetch_page(
        ctx.db, InvoicePage, select="id", from_="invoicing_invoices",
        filters=Filters().add("status = ?", status).like(("customer",), customer), order_by="id DESC", limit=limit,
        offset=offset, item=lambda r: load(ctx, r["id"]))

