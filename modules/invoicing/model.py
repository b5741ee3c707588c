"""Invoice data: lines, totals with tax, numbering, and loading an invoice with its payments."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from modules.business.archive import issued
from skills import Page, Record, SkillContext, fetch_one
from skills.money import next_yearly_number


class LineIn(Record):
    description: Annotated[str, Field(min_length=1, max_length=300)]
    quantity: Annotated[float, Field(gt=0, le=1_000_000)]  # as a quote line: 1e308 x a price overflows
    unit_price_cents: Annotated[int, Field(ge=0)]
    discount_percent: Annotated[float, Field(ge=0, le=100)] = 0
    tax_rate_percent: Annotated[float | None, Field(ge=0, le=50)] = None  # None: the invoice's rate


class Line(LineIn):
    tax_rate_percent: float  # the rate that applies: the line's own, else the invoice's
    net_cents: int


class TaxLine(Record):
    rate_percent: float
    net_cents: int
    tax_cents: int


class CreditNote(Record):
    id: int
    number: str | None  # None: issued before credit notes were numbered
    amount_cents: int
    reason: str
    created_at: str
    document_uri: str | None


class Invoice(Record):
    id: int
    number: str | None
    customer: str
    customer_email: str
    customer_address: str | None
    customer_tax_id: str | None
    status: str
    issue_date: str | None
    due_date: str | None
    currency: str
    tax_rate_percent: float
    lines: list[Line]
    taxes: list[TaxLine]
    subtotal_cents: int
    tax_cents: int
    credited_cents: int
    total_cents: int
    paid_cents: int
    balance_cents: int
    credit_notes: list[CreditNote]
    document_uri: str | None


def line_net(quantity: float, unit_price_cents: int, discount_percent: float) -> int:
    gross = quantity * unit_price_cents
    return round(gross * (100 - discount_percent) / 100 if discount_percent else gross)


def priced(lines: list[LineIn], default_rate: float) -> list[Line]:
    return [Line(description=ln.description, quantity=ln.quantity, unit_price_cents=ln.unit_price_cents,
                 discount_percent=ln.discount_percent,
                 tax_rate_percent=default_rate if ln.tax_rate_percent is None else ln.tax_rate_percent,
                 net_cents=line_net(ln.quantity, ln.unit_price_cents, ln.discount_percent)) for ln in lines]


def taxes(lines: list[Line]) -> list[TaxLine]:
    """Tax per rate, on the sum of the net amounts at that rate (rounded once per rate), highest rate first."""
    nets: dict[float, int] = {}
    for ln in lines:
        nets[ln.tax_rate_percent] = nets.get(ln.tax_rate_percent, 0) + ln.net_cents
    return [TaxLine(rate_percent=rate, net_cents=net, tax_cents=round(net * rate / 100))
            for rate, net in sorted(nets.items(), reverse=True)]


def totals(lines: list[LineIn], tax_rate_percent: float) -> tuple[int, int, int]:
    """(subtotal, tax, total): lines rounded each, tax rounded once per rate."""
    by_rate = taxes(priced(lines, tax_rate_percent))
    subtotal, tax = sum(t.net_cents for t in by_rate), sum(t.tax_cents for t in by_rate)
    return subtotal, tax, subtotal + tax


async def next_number(ctx: SkillContext, year: int) -> str:
    """INV-YYYY-0001, sequential per year; assigned when an invoice is sent, so drafts leave no gaps."""
    return await next_yearly_number(ctx, "invoicing_invoices", "INV", year)


async def load(ctx: SkillContext, invoice_id: int) -> Invoice:
    row = await fetch_one(
        ctx.db, "SELECT * FROM invoicing_invoices WHERE id = ?", (invoice_id,),
        missing=f"no invoice with id {invoice_id}; invoicing_list shows them")
    lines = priced([LineIn(**r) for r in await ctx.db.fetchall(
        "SELECT description, quantity, unit_price_cents, discount_percent, tax_rate_percent FROM invoicing_lines "
        "WHERE invoice_id = ? ORDER BY id", (invoice_id,))], row["tax_rate_percent"])
    paid = await ctx.db.fetchval("SELECT COALESCE(SUM(amount_cents), 0) FROM invoicing_payments WHERE invoice_id = ?",
                                 (invoice_id,))
    notes = [CreditNote(**r, document_uri=await _uri(ctx, f"credit_note:{r['id']}")) for r in await ctx.db.fetchall(
        "SELECT id, number, amount_cents, reason, created_at FROM invoicing_credit_notes WHERE invoice_id = ? "
        "ORDER BY id", (invoice_id,))]
    credited = sum(n.amount_cents for n in notes)
    by_rate = taxes(lines)
    subtotal, tax = sum(t.net_cents for t in by_rate), sum(t.tax_cents for t in by_rate)
    return Invoice(id=row["id"], number=row["number"], customer=row["customer"], customer_email=row["customer_email"],
                   customer_address=row["customer_address"], customer_tax_id=row["customer_tax_id"],
                   status=row["status"], issue_date=row["issue_date"], due_date=row["due_date"],
                   currency=row["currency"], tax_rate_percent=row["tax_rate_percent"], lines=lines, taxes=by_rate,
                   subtotal_cents=subtotal, tax_cents=tax, credited_cents=credited,
                   total_cents=subtotal + tax - credited, paid_cents=paid,
                   balance_cents=subtotal + tax - credited - paid, credit_notes=notes,
                   document_uri=await _uri(ctx, f"invoice:{invoice_id}"))


async def _uri(ctx: SkillContext, source: str) -> str | None:
    document = await issued(ctx.db, source)
    return document.uri if document else None


async def add_lines(ctx: SkillContext, invoice_id: int, lines: list[LineIn]) -> None:
    await ctx.db.executemany(
        "INSERT INTO invoicing_lines (invoice_id, description, quantity, unit_price_cents, discount_percent, "
        "tax_rate_percent) VALUES (?, ?, ?, ?, ?, ?)",
        [(invoice_id, ln.description, ln.quantity, ln.unit_price_cents, ln.discount_percent, ln.tax_rate_percent)
         for ln in lines])


class Document(Record):
    invoice_id: int
    number: str | None
    markdown: str


class CreditNoteIssued(Record):
    """A credit note as issued: its number and document, and the invoice it corrects as it now stands."""

    credit_note: CreditNote
    invoice: Invoice


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
