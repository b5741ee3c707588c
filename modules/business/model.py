"""Business: the profile as skills return it, and the issued documents."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import Field

from skills import Page, Record
from skills.files import FileLink

# The profile's text fields, in the order people fill them in (and the CLI shows them).
TEXT_FIELDS = (
    "legal_name", "trading_name", "address_line1", "address_line2", "postal_code", "city", "region", "country",
    "tax_id", "company_number", "email", "phone", "website", "iban", "bic", "bank_name", "payment_link",
    "currency", "locale", "time_zone", "invoice_terms",
)
DEFAULT_CURRENCY, DEFAULT_LOCALE, DEFAULT_TIME_ZONE, DEFAULT_TERMS_DAYS = "EUR", "en_GB", "UTC", 14


class Logo(Record):
    mime_type: str
    size: int
    width: int
    height: int
    sha256: str


class Profile(Record):
    """The business's identity as it appears on every document and message it sends."""

    legal_name: str | None = None
    trading_name: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    postal_code: str | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None
    tax_id: str | None = None
    company_number: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    iban: str | None = None
    bic: str | None = None
    bank_name: str | None = None
    payment_link: str | None = None
    currency: str = DEFAULT_CURRENCY
    locale: str = DEFAULT_LOCALE
    time_zone: str = DEFAULT_TIME_ZONE
    payment_terms_days: int = DEFAULT_TERMS_DAYS
    invoice_terms: str | None = None
    logo: Logo | None = None
    # What is still missing before each kind of document or message may go out (requirements.py).
    missing: dict[str, list[str]] = Field(default_factory=dict)

    @property
    def name(self) -> str | None:
        """The name customers know: the trading name, else the legal name."""
        return self.trading_name or self.legal_name

    def today(self, now: datetime) -> date:
        """The calendar day in the business's time zone: a document is dated where it is issued."""
        return now.astimezone(ZoneInfo(self.time_zone)).date()

    def address_lines(self) -> list[str]:
        from modules.business.formatting import country_name

        place = " ".join(p for p in (self.postal_code, self.city) if p)
        lines = [self.address_line1, self.address_line2, place, self.region,
                 country_name(self.country, self.locale) if self.country else None]
        return [line for line in lines if line]


class DocumentInfo(Record):
    id: int
    kind: str
    number: str | None
    status: str
    recipient: str
    filename: str
    size: int
    sha256: str
    created_at: str
    uri: str


class DocumentPage(Page[DocumentInfo]):
    pass


class DocumentFile(Record):
    """A document as a file: its archive entry and the link a client reads or downloads it by."""

    document: DocumentInfo
    file: FileLink
