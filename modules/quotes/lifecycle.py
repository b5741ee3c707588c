"""The quote lifecycle after drafting: draft -> sent -> accepted | declined | expired."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from modules.business.profile import load_profile
from modules.business.requirements import require
from modules.quotes.convert import draft_invoice
from modules.quotes.model import Expired, Quote, label, load, next_number, require_status
from modules.quotes.sheet import mail_quote
from skills import Preview, SkillContext, SkillFailed, consequence, skill
from skills.money import format_money as money


async def preview_send(ctx: SkillContext, quote_id: int) -> Preview:
    quote = await load(ctx, quote_id)
    if quote.status != "draft":
        return Preview(summary=f"Nothing would be sent: {label(quote)} is {quote.status}, not a draft")
    number = quote.number or await next_number(ctx, ctx.now().date().year)
    named = number if quote.revision == 1 else f"{number} rev. {quote.revision}"
    return Preview(
        summary=f"Email quote {named} to {quote.customer} <{quote.customer_email}>: "
                f"{money(quote.total_cents, quote.currency)}, valid until {quote.valid_until}",
        lines=[consequence(f"{ln.quantity:g} x {ln.description}: {money(ln.amount_cents, quote.currency)}",
                           "quotes", quote.id, f"quote {named}") for ln in quote.lines])


@skill(title="Send a quote",
       effects=("message",),
       examples=("email the quote to the customer", "send the estimate"),
       synonyms=("estimate", "proposal", "email"),
       trust="approve", open_world=True, preview=preview_send,
       targets={"quote_id": "quotes"},
       instructions="""
       Finalizes a draft: a first send assigns the next number (Q-YYYY-0001 per year; a revision keeps
       its quote's number), then the quote's PDF is kept unchangeable and emailed to the customer through
       the outbox (HTML and text, the PDF attached) and the quote becomes `sent` (event quote.sent).
       Refused for empty quotes, for a validity date already past (fix it with quotes_edit_draft) and
       while the business profile lacks its name or address. Reaches a customer: approve trust.
       """)
async def send_quote(ctx: SkillContext, quote_id: int) -> Quote:
    """Number a draft quote and email it to the customer. Use when the draft is final; NOT for edits.

    Args:
        quote_id: The draft quote.
    """
    quote = await load(ctx, quote_id)
    require_status(quote, ("draft",), "sent", "Use quotes_revise_quote to send a changed offer.")
    today = ctx.now().date()
    if quote.total_cents <= 0:
        raise SkillFailed(f"{label(quote)} totals zero; add a priced line with quotes_edit_draft first")
    if date.fromisoformat(quote.valid_until) < today:
        raise SkillFailed(f"{label(quote)} was valid until {quote.valid_until}, which has passed; set a new "
                          "valid_until with quotes_edit_draft")
    profile = require(await load_profile(ctx.db), "quote")
    number = quote.number or await next_number(ctx, profile.today(ctx.now()).year)
    await ctx.db.execute("UPDATE quotes SET number = ?, status = 'sent', sent_at = ? WHERE id = ?",
                         (number, ctx.now_iso(), quote_id))
    sent = await load(ctx, quote_id)
    await mail_quote(ctx, sent, profile)
    await ctx.emit("quote.sent", {"id": quote_id, "number": number, "revision": sent.revision,
                                  "total_cents": sent.total_cents, "currency": sent.currency})
    return sent


@skill(title="Accept a quote",
       examples=("the customer agreed to the quote", "turn the quote into an invoice"),
       synonyms=("agreed", "yes", "won", "signed"),
       trust="notify", instructions="""
    Records that the customer accepted a sent quote and converts it, in the same transaction, into
    a draft invoice in invoicing with the same customer, lines, tax rate, currency and payment terms
    (review and send it with invoicing_send_invoice). The invoice id is stored on the quote (event
    quote.accepted). A quote past its validity date must be revised first; a quote already accepted
    is refused with the invoice it produced, so a repeated call never makes a second invoice.
    """)
async def accept_quote(ctx: SkillContext, quote_id: int) -> Quote:
    """Accept a sent quote into a draft invoice. Use when the customer says yes; NOT for expired quotes.

    Args:
        quote_id: The sent quote the customer accepted.
    """
    quote = await load(ctx, quote_id)
    if quote.status == "accepted":
        raise SkillFailed(f"{label(quote)} was already accepted on {quote.decided_at} and became draft invoice "
                          f"{quote.invoice_id}; nothing was changed (see invoicing_render invoice_id="
                          f"{quote.invoice_id})")
    require_status(quote, ("sent",), "accepted", {
        "draft": "Send it first with quotes_send_quote.",
        "superseded": f"It was replaced by quote {quote.superseded_by}; accept that revision.",
    }.get(quote.status, "Revise it with quotes_revise_quote to make a new offer."))
    if date.fromisoformat(quote.valid_until) < ctx.now().date():
        raise SkillFailed(f"{label(quote)} expired on {quote.valid_until}; revise it with quotes_revise_quote "
                          "to offer it again with a new validity date")
    invoice_id = await draft_invoice(ctx, quote)
    # The status guard in the WHERE makes a concurrent second accept a no-op we can detect.
    result = await ctx.db.execute(
        "UPDATE quotes SET status = 'accepted', invoice_id = ?, decided_at = ? WHERE id = ? AND status = 'sent'",
        (invoice_id, ctx.now_iso(), quote_id))
    if result.rowcount != 1:
        raise SkillFailed(f"{label(quote)} changed while it was being accepted; load it again and retry")
    await ctx.emit("quote.accepted", {"id": quote_id, "number": quote.number, "invoice_id": invoice_id,
                                      "total_cents": quote.total_cents})
    return await load(ctx, quote_id)


@skill(title="Decline a quote",
       examples=("the customer said no to the quote", "quote rejected"),
       synonyms=("rejected", "no", "turned down", "lost"),
       instructions="""
    Records that the customer turned down a sent quote, with their reason if given (event
    quote.declined). A declined quote can still be revised into a new offer with quotes_revise_quote.
    """)
async def decline_quote(ctx: SkillContext, quote_id: int,
                        reason: Annotated[str, Field(max_length=500)] = "") -> Quote:
    """Mark a sent quote declined. Use when the customer says no; NOT for quotes that ran out (expiry).

    Args:
        quote_id: The sent quote.
        reason: Why the customer declined, in their words if possible.
    """
    quote = await load(ctx, quote_id)
    require_status(quote, ("sent",), "declined", "Only an offer the customer has received can be declined.")
    await ctx.db.execute("UPDATE quotes SET status = 'declined', decline_reason = ?, decided_at = ? WHERE id = ?",
                         (reason or None, ctx.now_iso(), quote_id))
    await ctx.emit("quote.declined", {"id": quote_id, "number": quote.number, "reason": reason})
    return await load(ctx, quote_id)


@skill(title="Expire old quotes",
       examples=("mark old quotes expired", "quotes past their validity"),
       synonyms=("expire", "outdated", "old"),
       idempotent=True,
       instructions="""
       Marks sent quotes whose validity date has passed as `expired` (event quote.expired, once per
       quote); running it again changes nothing. Runs daily at 07:00. Expired quotes can be revised.
       """)
async def check_expired(ctx: SkillContext) -> Expired:
    """Expire sent quotes past their validity date. Use for the daily sweep; NOT for a customer's no."""
    today = ctx.now().date().isoformat()
    rows = await ctx.db.fetchall("SELECT id, number, revision, valid_until FROM quotes WHERE status = 'sent' "
                                 "AND valid_until < ? ORDER BY id", (today,))
    for row in rows:
        await ctx.db.execute("UPDATE quotes SET status = 'expired', decided_at = ? WHERE id = ?",
                             (ctx.now_iso(), row["id"]))
        await ctx.emit("quote.expired", {"id": row["id"], "number": row["number"], "valid_until": row["valid_until"]})
    if not rows:
        ctx.set_outcome("no_effect")
    return Expired(newly_expired=[r["number"] if r["revision"] == 1 else f"{r['number']} rev. {r['revision']}"
                                  for r in rows])
