"""The quote as a document (Markdown: readable in email, convertible to PDF or HTML)."""

from __future__ import annotations

from modules.business import archive
from modules.business.model import DocumentFile
from modules.business.profile import load_profile, logo_bytes
from modules.quotes.model import Document, Quote, label, load
from modules.quotes.sheet import quote_sheet
from skills import SkillContext, skill
from skills.money import format_money as money


def render_markdown(quote: Quote) -> str:
    c = quote.currency
    rows = "\n".join(f"| {ln.description} | {ln.quantity:g} | {money(ln.unit_price_cents, c)} | "
                     f"{money(ln.amount_cents, c)} |" for ln in quote.lines)
    title = label(quote) if quote.status != "draft" or quote.number else "(draft)"
    replaces = f"  \n**Replaces:** revision {quote.revision - 1}" if quote.revision > 1 else ""
    notes = f"\n{quote.notes}\n" if quote.notes else ""
    closing = {
        "draft": "This is a draft and not yet an offer.",
        "sent": f"This offer is valid until {quote.valid_until}. To accept it, reply to this email.",
        "accepted": "Accepted. Thank you; your invoice follows separately.",
        "declined": "Declined.",
        "expired": f"This offer expired on {quote.valid_until}. Ask us for an updated quote.",
        "superseded": "Replaced by a newer revision of this quote.",
    }[quote.status]
    return (
        f"# Quote {title}\n\n"
        f"**For:** {quote.customer} <{quote.customer_email}>  \n"
        f"**Date:** {(quote.sent_at or '-')[:10]}  \n**Valid until:** {quote.valid_until}  \n"
        f"**Payment terms:** {quote.terms_days} days after invoice  \n"
        f"**Status:** {quote.status}{replaces}\n{notes}\n"
        "| Description | Qty | Unit price | Amount |\n|---|---:|---:|---:|\n"
        f"{rows}\n\n"
        "| | |\n|---|---:|\n"
        f"| Subtotal | {money(quote.subtotal_cents, c)} |\n"
        f"| Tax ({quote.tax_rate_percent:g} %) | {money(quote.tax_cents, c)} |\n"
        f"| **Total** | **{money(quote.total_cents, c)}** |\n\n"
        f"{closing}\n"
    )


@skill(title="Render a quote",
       examples=("show the quote as a document", "print the estimate"),
       synonyms=("print", "document", "pdf", "view"),
       read_only=True, instructions="""
    The quote as a Markdown document: customer, dates, validity, payment terms, notes, a table of
    lines, subtotal, tax and total, and a closing line that fits its status. While a quote is sent,
    its document is exactly the email body the customer received.
    """)
async def render(ctx: SkillContext, quote_id: int) -> Document:
    """Render a quote as a Markdown document. Use to show or review it; NOT for sending it.

    Args:
        quote_id: The quote.
    """
    quote = await load(ctx, quote_id)
    return Document(quote_id=quote_id, number=quote.number, revision=quote.revision, markdown=render_markdown(quote))


@skill(title="Quote PDF",
       examples=("give me the quote as a PDF", "print the estimate", "download the offer"),
       synonyms=("pdf", "print", "document", "download", "file"),
       idempotent=True, instructions="""
    The quote as the PDF the customer receives: seller and buyer, number, date, validity and payment
    terms, lines, tax and total, the logo, in the business's locale. A sent quote returns the very
    file that was sent (a revision is a new document); a draft renders a preview marked DRAFT,
    replacing the previous one. Over MCP the file is a resource link; from the CLI add `--out q.pdf`.
    """)
async def pdf(ctx: SkillContext, quote_id: int) -> DocumentFile:
    """Get a quote as a PDF file (the sent one, or a preview of a draft).

    Args:
        quote_id: The quote.
    """
    quote = await load(ctx, quote_id)
    source = f"quote:{quote_id}"
    sent = await archive.issued(ctx.db, source)
    if sent is not None:
        return archive.as_file(sent)
    sheet = quote_sheet(quote, await load_profile(ctx.db), await logo_bytes(ctx.db), ctx.now())
    return archive.as_file(await archive.preview(ctx, sheet, source))
