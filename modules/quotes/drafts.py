"""Writing a quote: the draft, edits while it is a draft, and revisions of a quote already sent."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from pydantic import Field

from modules.quotes.model import (
    DEFAULT_VALIDITY_DAYS,
    REVISABLE,
    LineIn,
    Quote,
    add_lines,
    label,
    load,
    refresh_totals,
    require_status,
)
from skills import SkillContext, SkillFailed, skill
from skills.formats import CURRENCY, EMAIL


def _validity(ctx: SkillContext, valid_until: date | None) -> str:
    today = ctx.now().date()
    chosen = valid_until or today + timedelta(days=DEFAULT_VALIDITY_DAYS)
    if chosen < today:
        raise SkillFailed(f"valid_until {chosen} is in the past; give today ({today}) or a later date")
    return chosen.isoformat()


@skill(title="Draft a quote",
       examples=("write an estimate for a customer", "price proposal for a job"),
       synonyms=("estimate", "proposal", "offer", "quotation"),
       instructions="""
    Drafts a quote (estimate) for a customer: lines (quantity x unit price in cents), a tax rate in
    percent, the payment terms the invoice will get, and a validity date (default 30 days from
    today). Totals round per line, then tax once, exactly like invoicing. Drafts have no number;
    quotes_send_quote assigns Q-YYYY-NNNN.
    """)
async def create_quote(
    ctx: SkillContext,
    customer: Annotated[str, Field(min_length=2, max_length=200)],
    customer_email: Annotated[str, Field(pattern=EMAIL, max_length=254)],
    lines: Annotated[list[LineIn], Field(min_length=1, max_length=100)],
    tax_rate_percent: Annotated[float, Field(ge=0, le=50)] = 0,
    valid_until: date | None = None,
    terms_days: Annotated[int, Field(ge=0, le=120)] = 14,
    currency: Annotated[str, Field(pattern=CURRENCY)] = "EUR",
    notes: Annotated[str, Field(max_length=2000)] = "",
) -> Quote:
    """Draft a quote for a customer. Use when someone asks for a price; NOT for agreed work (invoicing).

    Args:
        customer: Customer (company or person) name.
        customer_email: Where the quote is sent.
        lines: Quote lines: description, quantity, unit_price_cents.
        tax_rate_percent: Tax rate, e.g. 20 for 20 %.
        valid_until: Last day the offer holds, YYYY-MM-DD (default 30 days from today).
        terms_days: Payment terms of the invoice made on acceptance, in days.
        currency: ISO 4217 currency code.
        notes: Scope, assumptions or conditions printed on the quote.
    """
    result = await ctx.db.execute(
        "INSERT INTO quotes (customer, customer_email, status, currency, tax_rate_percent, terms_days, valid_until, "
        "notes, created_at) VALUES (?, ?, 'draft', ?, ?, ?, ?, ?, ?)",
        (customer, customer_email, currency, tax_rate_percent, terms_days, _validity(ctx, valid_until), notes,
         ctx.now_iso()))
    quote_id = result.lastrowid or 0
    await add_lines(ctx, quote_id, lines)
    await refresh_totals(ctx, quote_id)
    return await load(ctx, quote_id)


@skill(title="Edit a draft quote",
       examples=("change a line on the draft quote", "fix the quote before sending"),
       synonyms=("estimate", "edit", "change"),
       instructions="""
    Changes a quote while it is still a draft: add lines, remove lines by their id (ids are in the
    quote's `lines`), change the tax rate, validity date or notes. Totals are recomputed. A sent
    quote cannot be edited: revise it with quotes_revise_quote instead. A draft keeps at least one line.
    """)
async def edit_draft(
    ctx: SkillContext,
    quote_id: int,
    add: Annotated[list[LineIn] | None, Field(max_length=100)] = None,
    remove_line_ids: list[int] | None = None,
    tax_rate_percent: Annotated[float | None, Field(ge=0, le=50)] = None,
    valid_until: date | None = None,
    notes: Annotated[str | None, Field(max_length=2000)] = None,
) -> Quote:
    """Change a draft quote's lines or terms. Use before sending; NOT for sent quotes (quotes_revise_quote).

    Args:
        quote_id: The draft quote.
        add: Lines to append: description, quantity, unit_price_cents.
        remove_line_ids: Ids of the quote's lines to delete.
        tax_rate_percent: New tax rate in percent.
        valid_until: New last day of validity, YYYY-MM-DD.
        notes: New notes (replaces the old text).
    """
    quote = await load(ctx, quote_id)
    require_status(quote, ("draft",), "edited", "Use quotes_revise_quote to make a new draft revision.")
    if not (add or remove_line_ids or tax_rate_percent is not None or valid_until or notes is not None):
        raise SkillFailed("nothing to change: give add, remove_line_ids, tax_rate_percent, valid_until or notes")
    removing = set(remove_line_ids or ())
    unknown = removing - {ln.id for ln in quote.lines}
    if unknown:
        raise SkillFailed(f"line id(s) {sorted(unknown)} are not on {label(quote)}; its lines are "
                          f"{[ln.id for ln in quote.lines]}")
    if len(quote.lines) - len(removing) + len(add or ()) < 1:
        raise SkillFailed("a quote needs at least one line; add the replacement line in the same call")
    if removing:
        await ctx.db.executemany("DELETE FROM quotes_lines WHERE id = ?", [(i,) for i in sorted(removing)])
    if add:
        await add_lines(ctx, quote_id, add)
    if tax_rate_percent is not None:
        await ctx.db.execute("UPDATE quotes SET tax_rate_percent = ? WHERE id = ?", (tax_rate_percent, quote_id))
    if valid_until:
        await ctx.db.execute("UPDATE quotes SET valid_until = ? WHERE id = ?", (_validity(ctx, valid_until), quote_id))
    if notes is not None:
        await ctx.db.execute("UPDATE quotes SET notes = ? WHERE id = ?", (notes, quote_id))
    await refresh_totals(ctx, quote_id)
    return await load(ctx, quote_id)


@skill(title="Revise a quote",
       examples=("the customer wants changes to the quote", "new version of a sent quote"),
       synonyms=("new version", "revision", "changes"),
       instructions="""
    Starts a new draft revision of a sent, declined or expired quote, copying its customer, lines,
    tax and terms, with a fresh validity date (default 30 days from today). The revision keeps the
    quote's number (shown as "rev. 2") and points back to the one it replaces, so the history stays
    readable. A sent quote becomes `superseded` (it can no longer be accepted). Only the latest
    revision can be revised; accepted quotes cannot. Edit the new draft, then send it.
    """)
async def revise_quote(ctx: SkillContext, quote_id: int, valid_until: date | None = None) -> Quote:
    """Make a new draft revision of a sent quote. Use when the customer wants changes; NOT for drafts.

    Args:
        quote_id: The quote to revise (the latest revision).
        valid_until: Last day the revised offer holds, YYYY-MM-DD (default 30 days from today).
    """
    quote = await load(ctx, quote_id)
    if quote.superseded_by is not None:
        raise SkillFailed(f"{label(quote)} was already revised into quote {quote.superseded_by}; revise that one")
    require_status(quote, REVISABLE, "revised",
                   "Edit a draft directly with quotes_edit_draft; an accepted quote is final." if quote.status
                   in ("draft", "accepted") else "")
    result = await ctx.db.execute(
        "INSERT INTO quotes (number, revision, previous_id, customer, customer_email, status, currency, "
        "tax_rate_percent, terms_days, valid_until, notes, created_at) "
        "VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?)",
        (quote.number, quote.revision + 1, quote.id, quote.customer, quote.customer_email, quote.currency,
         quote.tax_rate_percent, quote.terms_days, _validity(ctx, valid_until), quote.notes, ctx.now_iso()))
    revision_id = result.lastrowid or 0
    await add_lines(ctx, revision_id, [LineIn(**ln.model_dump(include={"description", "quantity", "unit_price_cents"}))
                                       for ln in quote.lines])
    await refresh_totals(ctx, revision_id)
    if quote.status == "sent":
        await ctx.db.execute("UPDATE quotes SET status = 'superseded' WHERE id = ?", (quote.id,))
    await ctx.emit("quote.revised", {"id": revision_id, "previous_id": quote.id, "number": quote.number,
                                     "revision": quote.revision + 1})
    return await load(ctx, revision_id)
