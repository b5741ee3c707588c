"""The invoice as a document: a Markdown summary to read in chat, and the PDF the customer gets."""

from __future__ import annotations

from modules.business import archive
from modules.business.model import DocumentFile
from modules.business.profile import load_profile, logo_bytes
from modules.invoicing.model import Document, Invoice, load
from modules.invoicing.sheets import invoice_sheet
from skills import SkillContext, skill
from skills.money import format_money as money


def render_markdown(invoice: Invoice) -> str:
    c = invoice.currency
    rows = "\n".join(f"| {ln.description} | {ln.quantity:g} | {money(ln.unit_price_cents, c)} | "
                     f"{ln.discount_percent:g} % | {ln.tax_rate_percent:g} % | {money(ln.net_cents, c)} |"
                     for ln in invoice.lines)
    taxes = "".join(f"| Tax {t.rate_percent:g} % on {money(t.net_cents, c)} | {money(t.tax_cents, c)} |\n"
                    for t in invoice.taxes)
    credits = "".join(f"| Credit note {n.number or n.id} | -{money(n.amount_cents, c)} |\n"
                      for n in invoice.credit_notes)
    return (
        f"# Invoice {invoice.number or '(draft)'}\n\n"
        f"**Bill to:** {invoice.customer} <{invoice.customer_email}>  \n"
        f"**Issued:** {invoice.issue_date or '-'}  \n**Due:** {invoice.due_date or '-'}  \n"
        f"**Status:** {invoice.status}\n\n"
        "| Description | Qty | Unit price | Discount | Tax | Amount |\n|---|---:|---:|---:|---:|---:|\n"
        f"{rows}\n\n"
        "| | |\n|---|---:|\n"
        f"| Subtotal | {money(invoice.subtotal_cents, c)} |\n"
        f"{taxes}{credits}"
        f"| **Total** | **{money(invoice.total_cents, c)}** |\n"
        f"| Paid | {money(invoice.paid_cents, c)} |\n"
        f"| **Balance due** | **{money(invoice.balance_cents, c)}** |\n"
    )


@skill(title="Render an invoice",
       examples=("show the invoice as text", "summarise the invoice lines and totals"),
       synonyms=("summary", "view", "markdown"),
       read_only=True, instructions="""
    The invoice as a Markdown summary to read in a chat: header with customer and dates, a table of
    lines (discount, tax rate), subtotal, tax per rate, credit notes, total, paid and balance due.
    For the document the customer receives, use invoicing_pdf.
    """)
async def render(ctx: SkillContext, invoice_id: int) -> Document:
    """Render an invoice as a Markdown summary.

    Args:
        invoice_id: The invoice.
    """
    invoice = await load(ctx, invoice_id)
    return Document(invoice_id=invoice_id, number=invoice.number, markdown=render_markdown(invoice))


@skill(title="Invoice PDF",
       examples=("give me the invoice as a PDF", "print the invoice", "download invoice INV-2026-0001",
                 "generate invoice pdf"),
       synonyms=("pdf", "print", "document", "download", "file"),
       idempotent=True, instructions="""
    The invoice as the PDF the customer receives: seller and buyer blocks, number and dates, lines with
    quantities, unit prices, discounts and tax rates, tax per rate, total, payment terms and details,
    the logo, in the business's locale. A sent invoice returns the very file that was sent (it never
    changes; credit notes are separate documents, business_document_get finds them by number). A
    draft renders a preview marked DRAFT, replacing the previous preview. Over MCP the file is a
    resource link; from the CLI add `--out invoice.pdf`.
    """)
async def pdf(ctx: SkillContext, invoice_id: int) -> DocumentFile:
    """Get an invoice as a PDF file (the sent one, or a preview of a draft).

    Args:
        invoice_id: The invoice.
    """
    invoice = await load(ctx, invoice_id)
    source = f"invoice:{invoice_id}"
    sent = await archive.issued(ctx.db, source)
    if sent is not None:
        return archive.as_file(sent)
    profile = await load_profile(ctx.db)
    sheet = invoice_sheet(invoice, profile, await logo_bytes(ctx.db), ctx.now())
    return archive.as_file(await archive.preview(ctx, sheet, source))
