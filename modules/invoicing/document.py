"""The invoice as a document (Markdown: readable in email, convertible to PDF or HTML)."""

from __future__ import annotations

from modules.invoicing.model import Document, Invoice, load
from skills import SkillContext, skill
from skills.money import format_money as money


def render_markdown(invoice: Invoice) -> str:
    c = invoice.currency
    rows = "\n".join(f"| {ln.description} | {ln.quantity:g} | {money(ln.unit_price_cents, c)} | "
                     f"{money(round(ln.quantity * ln.unit_price_cents), c)} |" for ln in invoice.lines)
    credited = invoice.subtotal_cents + invoice.tax_cents - invoice.total_cents
    credit_line = f"| Credited | -{money(credited, c)} |\n" if credited else ""
    return (
        f"# Invoice {invoice.number or '(draft)'}\n\n"
        f"**Bill to:** {invoice.customer} <{invoice.customer_email}>  \n"
        f"**Issued:** {invoice.issue_date or '-'}  \n**Due:** {invoice.due_date or '-'}  \n"
        f"**Status:** {invoice.status}\n\n"
        "| Description | Qty | Unit price | Amount |\n|---|---:|---:|---:|\n"
        f"{rows}\n\n"
        "| | |\n|---|---:|\n"
        f"| Subtotal | {money(invoice.subtotal_cents, c)} |\n"
        f"| Tax ({invoice.tax_rate_percent:g} %) | {money(invoice.tax_cents, c)} |\n"
        f"{credit_line}"
        f"| **Total** | **{money(invoice.total_cents, c)}** |\n"
        f"| Paid | {money(invoice.paid_cents, c)} |\n"
        f"| **Balance due** | **{money(invoice.balance_cents, c)}** |\n"
    )


@skill(title="Render an invoice",
       examples=("show the invoice as a document", "print the invoice", "invoice pdf"),
       synonyms=("print", "pdf", "document", "view"),
       read_only=True, instructions="""
    The invoice as a Markdown document: header with customer and dates, a table of lines, subtotal,
    tax, credits, total, paid and balance due. The same text is what the customer receives by email.
    """)
async def render(ctx: SkillContext, invoice_id: int) -> Document:
    """Render an invoice as a document.

    Args:
        invoice_id: The invoice.
    """
    invoice = await load(ctx, invoice_id)
    return Document(invoice_id=invoice_id, number=invoice.number, markdown=render_markdown(invoice))
