"""A commercial document as data: what an invoice, credit note, quote or reminder shows, already
worded and formatted for the business's locale, before any layout.

The modules that bill build a ``Sheet`` from their own records (invoicing/sheets.py,
quotes/sheet.py) with the helpers here, so the seller block, the payment lines and the footer read
the same on every document; pdf.py lays a sheet out on A4.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from modules.business import formatting as fmt
from modules.business.model import Profile


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    lines: tuple[str, ...] = ()
    details: tuple[tuple[str, str], ...] = ()  # ("VAT ID", "DE136695976"), ("Email", ...)


@dataclass(frozen=True, slots=True)
class Item:
    """One line: quantity x unit price, less a discount, at a tax rate; ``net_cents`` is what it adds."""

    description: str
    quantity: float
    unit_price_cents: int
    discount_percent: float
    tax_rate_percent: float
    net_cents: int


@dataclass(frozen=True, slots=True)
class Sheet:
    kind: str                                    # invoice | credit_note | quote | reminder
    title: str                                   # "Invoice", "Credit note"...
    number: str | None                           # None: a draft, which carries a DRAFT mark
    recipient: str                               # the buyer's email (kept with the archived file)
    issued_at: datetime                          # the PDF's creation date: re-rendering gives the same bytes
    seller: Party
    buyer: Party
    buyer_label: str                             # "Bill to", "Quote for"...
    facts: tuple[tuple[str, str], ...]           # formatted ("Issue date", "2 Nov 2026")
    currency: str
    locale: str
    items: tuple[Item, ...] = ()
    taxes: tuple[tuple[float, int, int], ...] = ()    # (rate %, net cents, tax cents) per rate
    totals: tuple[tuple[str, int, bool], ...] = ()    # (label, cents, emphasised)
    intro: tuple[str, ...] = ()                  # paragraphs above the lines
    payment: tuple[str, ...] = ()                # how to pay, formatted
    terms: tuple[str, ...] = ()                  # paragraphs below (terms, validity, reason)
    footer: tuple[str, ...] = ()
    logo: bytes | None = field(default=None, repr=False)

    @property
    def filename(self) -> str:
        return f"{self.number or f'{self.kind}-draft'}.pdf".replace("/", "-").replace(" ", "-")

    def money(self, cents: int) -> str:
        return fmt.money(cents, self.currency, self.locale)


def seller(profile: Profile) -> Party:
    details = [("VAT / tax no.", profile.tax_id), ("Company no.", profile.company_number)]
    return Party(name=profile.legal_name or profile.name or "", lines=tuple(profile.address_lines()),
                 details=tuple((k, v) for k, v in details if v))


def footer(profile: Profile) -> tuple[str, ...]:
    """Two lines at the foot of every page: who the seller is and how to reach them."""
    who = " · ".join([profile.legal_name or profile.name or "", *profile.address_lines()])
    reach = [f"VAT / tax no. {profile.tax_id}" if profile.tax_id else "",
             f"Company no. {profile.company_number}" if profile.company_number else "",
             profile.email or "", profile.phone or "", profile.website or ""]
    return tuple(line for line in (who, " · ".join(r for r in reach if r)) if line)


def payment(profile: Profile, *, amount_cents: int, currency: str, due: date | str | None,
            reference: str | None) -> tuple[str, ...]:
    """How to pay ``amount_cents``: by when, to which account, with which reference, or by link."""
    locale = profile.locale
    when = f" by {fmt.day(due, locale)}" if due else ""
    lines = [f"Please pay {fmt.money(amount_cents, currency, locale)}{when}."]
    if profile.iban:
        holder = profile.legal_name or profile.name or ""
        bank = ", ".join(b for b in (profile.bank_name, f"BIC {profile.bic}" if profile.bic else None) if b)
        lines.append(f"Bank transfer to {holder}, IBAN {_grouped(profile.iban)}" + (f" ({bank})" if bank else ""))
        if reference:
            lines.append(f"Reference: {reference}")
    if profile.payment_link:
        lines.append(f"Pay online: {profile.payment_link}")
    return tuple(lines)


def _grouped(iban: str) -> str:
    compact = iban.replace(" ", "")
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))
