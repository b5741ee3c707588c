"""Invoices, credit notes and payment reminders as sheets (modules/business/sheet.py) for their PDFs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from modules.business import formatting as fmt
from modules.business import sheet as sh
from modules.business.model import Profile
from modules.invoicing.model import Invoice, TaxLine


def buyer(invoice: Invoice) -> sh.Party:
    lines = [part.strip() for part in (invoice.customer_address or "").splitlines() if part.strip()]
    details = [("VAT ID", invoice.customer_tax_id)] if invoice.customer_tax_id else []
    return sh.Party(name=invoice.customer, lines=(*lines, invoice.customer_email), details=tuple(details))


def _items(invoice: Invoice) -> tuple[sh.Item, ...]:
    return tuple(sh.Item(ln.description, ln.quantity, ln.unit_price_cents, ln.discount_percent, ln.tax_rate_percent,
                         ln.net_cents) for ln in invoice.lines)


def _sheet(invoice: Invoice, profile: Profile, logo: bytes | None, now: datetime, **fields: Any) -> sh.Sheet:
    """A sheet from the business to the invoice's customer, in the business's locale."""
    return sh.Sheet(recipient=invoice.customer_email, issued_at=now, seller=sh.seller(profile), buyer=buyer(invoice),
                    currency=invoice.currency, locale=profile.locale, footer=sh.footer(profile), logo=logo, **fields)


def invoice_sheet(invoice: Invoice, profile: Profile, logo: bytes | None, now: datetime) -> sh.Sheet:
    """The invoice as it goes out (or its draft): every line, tax per rate, total, how to pay."""
    loc = profile.locale
    facts = [("Invoice no.", invoice.number or "draft")]
    if invoice.issue_date:
        facts.append(("Issue date", fmt.day(invoice.issue_date, loc)))
    if invoice.due_date:
        facts.append(("Due date", fmt.day(invoice.due_date, loc)))
    if invoice.currency != profile.currency:
        facts.append(("Currency", invoice.currency))
    totals = [("Total", invoice.subtotal_cents + invoice.tax_cents, True)]
    if invoice.credited_cents or invoice.paid_cents:
        totals += [("Credited", -invoice.credited_cents, False)] if invoice.credited_cents else []
        totals += [("Paid", -invoice.paid_cents, False)] if invoice.paid_cents else []
        totals.append(("Balance due", invoice.balance_cents, True))
    return _sheet(invoice, profile, logo, now, kind="invoice", title="Invoice", number=invoice.number,
                    buyer_label="Bill to",
                    facts=tuple(facts), items=_items(invoice),
                    taxes=tuple((t.rate_percent, t.net_cents, t.tax_cents) for t in invoice.taxes),
                    totals=tuple(totals),
                    payment=sh.payment(profile, amount_cents=invoice.balance_cents, currency=invoice.currency,
                                       due=invoice.due_date, reference=invoice.number),
                    terms=(profile.invoice_terms,) if profile.invoice_terms else ())


def credit_note_sheet(invoice: Invoice, *, number: str, day: date, reason: str, split: list[TaxLine],
                      profile: Profile, logo: bytes | None, now: datetime) -> sh.Sheet:
    """A credit note: the corrected invoice named, the credit split over its tax rates, as negative amounts."""
    loc, amount = profile.locale, sum(t.net_cents + t.tax_cents for t in split)
    facts = (("Credit note no.", number), ("Date", fmt.day(day, loc)),
             ("Corrects invoice", invoice.number or ""), ("Invoice date", fmt.day(invoice.issue_date or day, loc)))
    items = tuple(sh.Item(f"{reason} (credit on invoice {invoice.number})", 1, -t.net_cents, 0, t.rate_percent,
                          -t.net_cents) for t in split)
    refund = ("The invoice was already paid: we will refund this amount to your account."
              if invoice.status == "paid" else
              f"The amount due on invoice {invoice.number} is reduced by {fmt.money(amount, invoice.currency, loc)}.")
    return _sheet(invoice, profile, logo, now, kind="credit_note", title="Credit note", number=number,
                    buyer_label="Credit to", facts=facts,
                    items=items, taxes=tuple((t.rate_percent, -t.net_cents, -t.tax_cents) for t in split),
                    totals=(("Total credited", -amount, True),), terms=(refund,))


def reminder_sheet(invoice: Invoice, *, number: str, title: str, opening: str, day: date, days_overdue: int,
                   profile: Profile, logo: bytes | None, now: datetime) -> sh.Sheet:
    """A payment reminder: which invoice, how late, what is still open and how to pay it."""
    loc = profile.locale
    facts = (("Reminder no.", number), ("Date", fmt.day(day, loc)), ("Invoice", invoice.number or ""),
             ("Invoice date", fmt.day(invoice.issue_date or day, loc)),
             ("Due date", fmt.day(invoice.due_date or day, loc)), ("Days overdue", str(days_overdue)))
    totals = [("Invoice total", invoice.subtotal_cents + invoice.tax_cents, False)]
    totals += [("Credited", -invoice.credited_cents, False)] if invoice.credited_cents else []
    totals += [("Paid", -invoice.paid_cents, False)] if invoice.paid_cents else []
    totals.append(("Balance due", invoice.balance_cents, True))
    return _sheet(invoice, profile, logo, now, kind="reminder", title=title, number=number, buyer_label="To",
                    facts=facts, intro=(opening,),
                    totals=tuple(totals),
                    payment=sh.payment(profile, amount_cents=invoice.balance_cents, currency=invoice.currency,
                                       due=None, reference=invoice.number))


def credit_split(invoice: Invoice, amount_cents: int) -> list[TaxLine]:
    """Split a gross credit over the invoice's tax rates in proportion to each rate's gross, so the
    tax corrected per rate matches what was charged; the cents lost to rounding go to the largest share."""
    gross = [(t.rate_percent, t.net_cents + t.tax_cents) for t in invoice.taxes if t.net_cents + t.tax_cents > 0]
    whole = sum(g for _, g in gross) or 1
    shares = [(rate, amount_cents * g // whole) for rate, g in gross] or [(invoice.tax_rate_percent, amount_cents)]
    largest = max(range(len(shares)), key=lambda i: shares[i][1])
    shares[largest] = (shares[largest][0], shares[largest][1] + amount_cents - sum(s for _, s in shares))
    split = []
    for rate, share in shares:
        net = round(share * 100 / (100 + rate))
        split.append(TaxLine(rate_percent=rate, net_cents=net, tax_cents=share - net))
    return [t for t in split if t.net_cents or t.tax_cents]
