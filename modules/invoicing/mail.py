"""What goes to the customer: each document issued as a PDF (kept unchanged) and mailed with it attached.

Each function runs in the transaction of the skill that numbered the document, so the number,
the archived PDF and the queued email land together or not at all: numbering stays gap-free.
"""

from __future__ import annotations

from datetime import date

from modules.business import archive
from modules.business import formatting as fmt
from modules.business.model import Profile
from modules.business.profile import logo_bytes
from modules.email.letters import send_letter
from modules.invoicing.model import Invoice, TaxLine
from modules.invoicing.sheets import credit_note_sheet, invoice_sheet, reminder_sheet
from skills import SkillContext
from skills.messages import Attachment


async def _attachment(ctx: SkillContext, document_id: int) -> Attachment:
    info, content = await archive.content(ctx.db, document_id)
    return Attachment(info.filename, archive.MIME, content)


def _pay_button(profile: Profile) -> tuple[str, str] | None:
    return ("Pay online", profile.payment_link) if profile.payment_link else None


async def mail_invoice(ctx: SkillContext, invoice: Invoice, profile: Profile) -> None:
    sheet = invoice_sheet(invoice, profile, await logo_bytes(ctx.db), ctx.now())
    document = await archive.issue(ctx, sheet, f"invoice:{invoice.id}")
    loc, amount = profile.locale, fmt.money(invoice.balance_cents, invoice.currency, profile.locale)
    due = fmt.day(invoice.due_date or "", loc)
    summary = [("Invoice", invoice.number or ""), ("Amount due", amount), ("Due date", due)]
    if profile.iban:
        summary += [("IBAN", " ".join(profile.iban[i:i + 4] for i in range(0, len(profile.iban), 4))),
                    ("Reference", invoice.number or "")]
    await send_letter(ctx, invoice.customer_email, "invoice",
                      {"customer": invoice.customer, "number": invoice.number or "", "amount": amount,
                       "due_date": due},
                      purpose=f"invoice:{invoice.id}", profile=profile, summary=summary, action=_pay_button(profile),
                      attachments=[await _attachment(ctx, document.id)])


async def mail_credit_note(ctx: SkillContext, invoice: Invoice, *, note_id: int, number: str, day: date, reason: str,
                           split: list[TaxLine], profile: Profile) -> None:
    sheet = credit_note_sheet(invoice, number=number, day=day, reason=reason, split=split, profile=profile,
                              logo=await logo_bytes(ctx.db), now=ctx.now())
    document = await archive.issue(ctx, sheet, f"credit_note:{note_id}")
    amount = fmt.money(sum(t.net_cents + t.tax_cents for t in split), invoice.currency, profile.locale)
    await send_letter(ctx, invoice.customer_email, "credit-note",
                      {"customer": invoice.customer, "number": number, "invoice_number": invoice.number or "",
                       "amount": amount, "reason": reason},
                      purpose=f"credit_note:{note_id}", profile=profile,
                      summary=[("Credit note", number), ("Invoice", invoice.number or ""), ("Credited", amount)],
                      attachments=[await _attachment(ctx, document.id)])


async def mail_reminder(ctx: SkillContext, invoice: Invoice, *, title: str, opening: str, days: int,
                        profile: Profile) -> None:
    """The reminder as its own PDF, sent with a copy of the invoice it is about."""
    count = await archive.count_issued(ctx.db, f"reminder:{invoice.id}:")
    number = f"{invoice.number}-R{count + 1}"
    today = profile.today(ctx.now())
    sheet = reminder_sheet(invoice, number=number, title=title, opening=opening, day=today, days_overdue=days,
                           profile=profile, logo=await logo_bytes(ctx.db), now=ctx.now())
    document = await archive.issue(ctx, sheet, f"reminder:{invoice.id}:{count + 1}")
    files = [await _attachment(ctx, document.id)]
    original = await archive.issued(ctx.db, f"invoice:{invoice.id}")
    if original is not None:
        files.append(await _attachment(ctx, original.id))
    loc = profile.locale
    balance = fmt.money(invoice.balance_cents, invoice.currency, loc)
    due = fmt.day(invoice.due_date or today, loc)
    await send_letter(ctx, invoice.customer_email, "payment-reminder",
                      {"customer": invoice.customer, "title": title, "opening": opening,
                       "number": invoice.number or "", "due_date": due, "days": str(days), "balance": balance},
                      purpose=f"dunning:{invoice.id}", profile=profile,
                      summary=[("Invoice", invoice.number or ""), ("Due date", due), ("Balance due", balance)],
                      action=_pay_button(profile), attachments=files)
