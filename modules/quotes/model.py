"""Quote data: lines, totals with tax, numbering, loading, and the state rules every skill checks.

Money follows invoicing's conventions (integer cents, an ISO currency, tax_rate_percent, rounding
per line and once for tax) so an accepted quote becomes an invoice with exactly the same total.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from skills import Page, Record, SkillContext, SkillFailed, fetch_one
from skills.money import next_yearly_number

DEFAULT_VALIDITY_DAYS = 30
# Who may move where. `expired` and `superseded` are set by the expiry check and by revising.
OPEN = ("draft", "sent")
REVISABLE = ("sent", "declined", "expired")


class LineIn(Record):
    description: Annotated[str, Field(min_length=1, max_length=300)]
    quantity: Annotated[float, Field(gt=0, le=1_000_000)]
    unit_price_cents: Annotated[int, Field(ge=0, le=10_000_000_000)]


class Line(LineIn):
    id: int
    amount_cents: int


class Quote(Record):
    id: int
    number: str | None
    revision: int
    previous_id: int | None
    superseded_by: int | None
    customer: str
    customer_email: str
    status: str
    currency: str
    tax_rate_percent: float
    terms_days: int
    valid_until: str
    notes: str
    lines: list[Line]
    subtotal_cents: int
    tax_cents: int
    total_cents: int
    invoice_id: int | None
    decline_reason: str | None
    sent_at: str | None
    decided_at: str | None


def line_amount(quantity: float, unit_price_cents: int) -> int:
    return round(quantity * unit_price_cents)


def totals(lines: list[LineIn], tax_rate_percent: float) -> tuple[int, int, int]:
    subtotal = sum(line_amount(ln.quantity, ln.unit_price_cents) for ln in lines)
    tax = round(subtotal * tax_rate_percent / 100)
    return subtotal, tax, subtotal + tax


def label(quote: Quote) -> str:
    """How people refer to a quote: its number (with the revision after the first), or its id."""
    if quote.number is None:
        return f"draft quote {quote.id}"
    return quote.number if quote.revision == 1 else f"{quote.number} rev. {quote.revision}"


async def next_number(ctx: SkillContext, year: int) -> str:
    """Q-YYYY-0001, sequential per year; drawn on the first send, so drafts leave no gaps."""
    return await next_yearly_number(ctx, "quotes", "Q", year)


async def load(ctx: SkillContext, quote_id: int) -> Quote:
    row = await fetch_one(
        ctx.db, "SELECT * FROM quotes WHERE id = ?", (quote_id,),
        missing=f"no quote with id {quote_id}; quotes_list shows them")
    lines = [Line(**r, amount_cents=line_amount(r["quantity"], r["unit_price_cents"])) for r in await ctx.db.fetchall(
        "SELECT id, description, quantity, unit_price_cents FROM quotes_lines WHERE quote_id = ? ORDER BY id",
        (quote_id,))]
    newer = await ctx.db.fetchval("SELECT id FROM quotes WHERE previous_id = ?", (quote_id,))
    fields = {k: row[k] for k in Quote.model_fields if k in row}
    return Quote(**fields, superseded_by=newer, lines=lines)


async def refresh_totals(ctx: SkillContext, quote_id: int) -> None:
    """Recompute the stored totals from the lines; call after any change to lines or tax rate."""
    rate = await ctx.db.fetchval("SELECT tax_rate_percent FROM quotes WHERE id = ?", (quote_id,))
    lines = [LineIn(**r) for r in await ctx.db.fetchall(
        "SELECT description, quantity, unit_price_cents FROM quotes_lines WHERE quote_id = ?", (quote_id,))]
    subtotal, tax, total = totals(lines, rate)
    await ctx.db.execute("UPDATE quotes SET subtotal_cents = ?, tax_cents = ?, total_cents = ? WHERE id = ?",
                         (subtotal, tax, total, quote_id))


async def add_lines(ctx: SkillContext, quote_id: int, lines: list[LineIn]) -> None:
    await ctx.db.executemany(
        "INSERT INTO quotes_lines (quote_id, description, quantity, unit_price_cents) VALUES (?, ?, ?, ?)",
        [(quote_id, ln.description, ln.quantity, ln.unit_price_cents) for ln in lines])


def require_status(quote: Quote, allowed: tuple[str, ...], action: str, fix: str) -> None:
    if quote.status not in allowed:
        raise SkillFailed(f"{label(quote)} is {quote.status}; only {' or '.join(allowed)} quotes can be {action}. "
                          f"{fix}")


class Document(Record):
    quote_id: int
    number: str | None
    revision: int
    markdown: str


class Expired(Record):
    newly_expired: list[str]


class QuoteSummary(Record):
    id: int
    number: str | None
    revision: int
    customer: str
    status: str
    currency: str
    total_cents: int
    valid_until: str
    invoice_id: int | None


class QuotePage(Page[QuoteSummary]):
    pass


class StatusValue(Record):
    status: str
    currency: str
    quotes: int
    total_cents: int


class Pipeline(Record):
    by_status: list[StatusValue]
    open_value: list[StatusValue]
    decided: int
    accepted: int
    acceptance_rate: float | None
