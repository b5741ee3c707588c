"""A quote as a sheet (modules/business/sheet.py) for its PDF, and the email that carries it."""

from __future__ import annotations

from datetime import date, datetime

from modules.business import archive
from modules.business import formatting as fmt
from modules.business import sheet as sh
from modules.business.model import Profile
from modules.business.profile import logo_bytes
from modules.email.letters import send_letter
from modules.quotes.model import Quote, label
from skills import SkillContext
from skills.messages import Attachment


def quote_sheet(quote: Quote, profile: Profile, logo: bytes | None, now: datetime) -> sh.Sheet:
    """The offer: lines, tax, total, validity and payment terms, from the business to the customer."""
    loc = profile.locale
    number = label(quote) if quote.number else None
    facts = [("Quote no.", number or "draft"),
             ("Date", fmt.day(date.fromisoformat(quote.sent_at[:10]) if quote.sent_at else profile.today(now), loc)),
             ("Valid until", fmt.day(quote.valid_until, loc)), ("Payment terms", f"{quote.terms_days} days")]
    items = tuple(sh.Item(ln.description, ln.quantity, ln.unit_price_cents, 0, quote.tax_rate_percent,
                          ln.amount_cents) for ln in quote.lines)
    terms = [f"This offer is valid until {fmt.day(quote.valid_until, loc)}. Invoiced on acceptance, payable within "
             f"{quote.terms_days} days."]
    return sh.Sheet(kind="quote", title="Quote", number=number, recipient=quote.customer_email, issued_at=now,
                    seller=sh.seller(profile), buyer=sh.Party(quote.customer, (quote.customer_email,)),
                    buyer_label="Quote for", facts=tuple(facts), currency=quote.currency, locale=loc, items=items,
                    taxes=((quote.tax_rate_percent, quote.subtotal_cents, quote.tax_cents),),
                    totals=(("Total", quote.total_cents, True),), intro=(quote.notes,) if quote.notes else (),
                    terms=(*terms, *((profile.invoice_terms,) if profile.invoice_terms else ())),
                    footer=sh.footer(profile), logo=logo)


async def mail_quote(ctx: SkillContext, quote: Quote, profile: Profile) -> None:
    """Issue the quote's PDF (kept unchanged) and email it to the customer, in the sending transaction."""
    sheet = quote_sheet(quote, profile, await logo_bytes(ctx.db), ctx.now())
    document = await archive.issue(ctx, sheet, f"quote:{quote.id}")
    info, content = await archive.content(ctx.db, document.id)
    amount = fmt.money(quote.total_cents, quote.currency, profile.locale)
    valid = fmt.day(quote.valid_until, profile.locale)
    await send_letter(ctx, quote.customer_email, "quote",
                      {"customer": quote.customer, "number": label(quote), "amount": amount, "valid_until": valid},
                      purpose=f"quote:{quote.id}", profile=profile,
                      summary=[("Quote", label(quote)), ("Total", amount), ("Valid until", valid)],
                      attachments=[Attachment(info.filename, archive.MIME, content)])
