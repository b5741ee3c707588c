"""Invoice data: lines, totals with tax, numbering, and loading an invoice with its payments."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from skills import Page, Record, SkillContext, fetch_one
from skills.money import next_yearly_number


class LineIn(Record):
    description: Annotated[str, Field(min_length=1, max_length=300)]
    quantity: Annotated[float, Field(gt=0, le=1_000_000)]  # as a quote line: 1e308 x a price overflows
    unit_price_cents: Annotated[int, Field(ge=0)]


class Invoice(Record):
    id: int
    number: str | None
    customer: str
    customer_email: str
    status: str
    issue_date: str | None
    due_date: str | None
    currency: str
    tax_rate_percent: float
    lines: list[LineIn]
    subtotal_cents: int
    tax_cents: int
    total_cents: int
    paid_cents: int
    balance_cents: int


def totals(lines: list[LineIn], tax_rate_percent: float) -> tuple[int, int, int]:
    subtotal = sum(round(ln.quantity * ln.unit_price_cents) for ln in lines)
    tax = round(subtotal * tax_rate_percent / 100)
    return subtotal, tax, subtotal + tax


async def next_number(ctx: SkillContext, year: int) -> str:
    """INV-YYYY-0001, sequential per year; assigned when an invoice is sent, so drafts leave no gaps."""
    return await next_yearly_number(ctx, "invoicing_invoices", "INV", year)


async def load(ctx: SkillContext, invoice_id: int) -> Invoice:
    row = await fetch_one(
        ctx.db, "SELECT * FROM invoicing_invoices WHERE id = ?", (invoice_id,),
        missing=f"no invoice with id {invoice_id}; invoicing_list shows them")
    lines = [LineIn(**r) for r in await ctx.db.fetchall(
        "SELECT description, quantity, unit_price_cents FROM invoicing_lines WHERE invoice_id = ? ORDER BY id",
        (invoice_id,))]
    paid = await ctx.db.fetchval("SELECT COALESCE(SUM(amount_cents), 0) FROM invoicing_payments WHERE invoice_id = ?",
                                 (invoice_id,))
    credited = await ctx.db.fetchval("SELECT COALESCE(SUM(amount_cents), 0) FROM invoicing_credit_notes WHERE "
                                     "invoice_id = ?", (invoice_id,))
    subtotal, tax, total = totals(lines, row["tax_rate_percent"])
    return Invoice(id=row["id"], number=row["number"], customer=row["customer"], customer_email=row["customer_email"],
                   status=row["status"], issue_date=row["issue_date"], due_date=row["due_date"],
                   currency=row["currency"], tax_rate_percent=row["tax_rate_percent"], lines=lines,
                   subtotal_cents=subtotal, tax_cents=tax, total_cents=total - credited, paid_cents=paid,
                   balance_cents=total - credited - paid)


class Document(Record):
    invoice_id: int
    number: str | None
    markdown: str


class InvoicePage(Page[Invoice]):
    pass


class Overdue(Record):
    newly_overdue: list[str]


class Reminded(Record):
    reminded: list[str]
    skipped_recent: list[str]


class Bucket(Record):
    bucket: str
    invoices: int
    outstanding_cents: int


class Aging(Record):
    as_of: str
    buckets: list[Bucket]
    total_outstanding_cents: int
