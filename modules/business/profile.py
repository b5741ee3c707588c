"""The business profile: read it, change it (every field checked), and load it for documents."""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import Field

from modules.business import checks
from modules.business.model import TEXT_FIELDS, Logo, Profile
from modules.business.requirements import missing
from skills import SkillContext, SkillFailed, skill
from skills.context import Database

Text = Annotated[str | None, Field(max_length=200)]
# The fields with a rule; the rest are free text (trimmed). tax_id's rule depends on the country.
RULES: dict[str, Callable[[str], str]] = {
    "country": checks.country, "currency": checks.currency, "locale": checks.locale,
    "time_zone": checks.time_zone, "iban": checks.iban, "bic": checks.bic, "email": checks.email,
    "phone": checks.phone, "website": checks.url, "payment_link": checks.url,
    "company_number": checks.company_number,
}


async def load_profile(db: Database) -> Profile:
    """The profile (defaults where nothing is set), without the logo's bytes."""
    row = await db.fetchone(f"SELECT {', '.join(TEXT_FIELDS)}, payment_terms_days, logo_mime, logo_width, "
                            "logo_height, logo_sha256, LENGTH(logo) AS logo_size FROM business_profile WHERE id = 1")
    if row is None:
        profile = Profile()
    else:
        values = {k: row[k] for k in TEXT_FIELDS if row[k] is not None}
        if row["payment_terms_days"] is not None:
            values["payment_terms_days"] = row["payment_terms_days"]
        if row["logo_mime"]:
            values["logo"] = Logo(mime_type=row["logo_mime"], size=row["logo_size"], width=row["logo_width"],
                                  height=row["logo_height"], sha256=row["logo_sha256"])
        profile = Profile(**values)
    return profile.model_copy(update={"missing": missing(profile)})


async def logo_bytes(db: Database) -> bytes | None:
    data = await db.fetchval("SELECT logo FROM business_profile WHERE id = 1")
    return bytes(data) if data is not None else None


@skill(title="Show the business profile",
       examples=("what is our company address on invoices", "show our VAT number and bank details",
                 "is the business set up for invoicing"),
       synonyms=("company details", "letterhead", "identity", "bank details", "VAT number"),
       read_only=True, instructions="""
    The business's identity as every invoice, quote, credit note, reminder and customer email shows it:
    legal and trading name, address, country, tax and company numbers, contact, bank and payment
    details, default currency, locale, time zone, invoice terms and the logo (its type and size).
    `missing` lists, per kind of document or message, the fields still to set before it may go out.
    """)
async def profile_get(ctx: SkillContext) -> Profile:
    """Show the business profile and what is still missing for each kind of document."""
    return await load_profile(ctx.db)


@skill(title="Update the business profile",
       examples=("set our company address", "change the bank account on invoices", "add our VAT number",
                 "upload the logo"),
       synonyms=("company details", "letterhead", "IBAN", "VAT number", "logo", "address"),
       trust="approve", idempotent=True, instructions="""
    Changes the given fields and leaves the others; an empty string clears a field. Every value is
    checked before anything is stored, and one refusal lists every wrong field with a right example:
    country (ISO 3166 alpha-2: DE), currency (ISO 4217: EUR), locale (en_GB, de_DE), time_zone (IANA:
    Europe/Berlin), IBAN (checksum), BIC, tax_id (the country's VAT or tax-number rule where one is
    known), email, phone, website and payment_link (https://...), payment_terms_days (0-365), and the
    logo (PNG or JPEG, base64, at most 512 KB, 32-4000 px a side). Documents already sent keep the
    profile they were issued with. The bank account decides where customers pay: approve trust.
    """)
async def profile_update(
    ctx: SkillContext,
    legal_name: Text = None, trading_name: Text = None, address_line1: Text = None, address_line2: Text = None,
    postal_code: Text = None, city: Text = None, region: Text = None, country: Text = None, tax_id: Text = None,
    company_number: Text = None, email: Text = None, phone: Text = None, website: Text = None, iban: Text = None,
    bic: Text = None, bank_name: Text = None, payment_link: Text = None, currency: Text = None,
    locale: Text = None, time_zone: Text = None,
    payment_terms_days: Annotated[int | None, Field(ge=0, le=365)] = None,
    invoice_terms: Annotated[str | None, Field(max_length=1000)] = None,
    logo_base64: Annotated[str | None, Field(max_length=800_000)] = None,
) -> Profile:
    """Change fields of the business profile (name, address, tax numbers, bank, logo...).

    Args:
        legal_name: The registered legal name, e.g. Harbor Lane Studio Ltd.
        trading_name: The name customers know, if different.
        address_line1: Street and number.
        address_line2: Second address line (building, suite).
        postal_code: Postal code.
        city: City.
        region: State, county or province, where addresses carry one.
        country: ISO 3166-1 alpha-2 country code, e.g. DE.
        tax_id: VAT or tax number, e.g. DE136695976.
        company_number: Company registration number.
        email: Contact address; customers' replies go here (Reply-To).
        phone: Contact phone, e.g. +49 40 1234567.
        website: Web address, https://...
        iban: Bank account (IBAN) customers pay to.
        bic: The bank's BIC.
        bank_name: The bank's name.
        payment_link: A page where customers pay online, https://...
        currency: Default ISO 4217 currency for new invoices and quotes, e.g. EUR.
        locale: How amounts and dates are written, e.g. en_GB, de_DE.
        time_zone: IANA time zone for document dates, e.g. Europe/Berlin.
        payment_terms_days: Default days to pay for new invoices.
        invoice_terms: Terms printed on every invoice (late fees, notes).
        logo_base64: The logo, a PNG or JPEG file encoded as base64; an empty string removes it.
    """
    given = {k: v for k, v in locals().items() if k in TEXT_FIELDS and v is not None}
    current = await load_profile(ctx.db)
    values, problems = _checked(given, current)
    if payment_terms_days is not None:
        values["payment_terms_days"] = payment_terms_days
    if logo_base64 is not None:
        values.update(_logo(logo_base64, problems))
    if problems:
        raise SkillFailed("nothing was changed: " + "; ".join(problems))
    if not values:
        raise SkillFailed("give at least one field to change; business_profile_get shows them all")
    await _store(ctx, values)
    return await load_profile(ctx.db)


def _checked(given: dict[str, str], current: Profile) -> tuple[dict[str, Any], list[str]]:
    values: dict[str, Any] = {}
    problems: list[str] = []
    for field, raw in given.items():
        if not raw.strip():
            values[field] = None
            continue
        rule = RULES.get(field)
        try:
            values[field] = rule(raw) if rule else " ".join(raw.split())
        except ValueError as exc:
            problems.append(f"{field}: {exc}")
    bad_country = any(p.startswith("country:") for p in problems)
    country = current.country if bad_country else values.get("country", current.country)
    tax = given.get("tax_id", current.tax_id or "")
    if tax.strip() and ("tax_id" in given or "country" in given):
        try:
            values["tax_id"] = checks.tax_id(tax, country)
        except ValueError as exc:
            problems.append(f"tax_id: {exc}")
    return values, problems


def _logo(encoded: str, problems: list[str]) -> dict[str, Any]:
    if not encoded.strip():
        return {"logo": None, "logo_mime": None, "logo_width": None, "logo_height": None, "logo_sha256": None}
    try:
        data = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        problems.append("logo_base64: not valid base64; encode the file, e.g. base64 -w0 logo.png")
        return {}
    try:
        mime, width, height = checks.logo(data)
    except ValueError as exc:
        problems.append(f"logo_base64: {exc}")
        return {}
    return {"logo": data, "logo_mime": mime, "logo_width": width, "logo_height": height,
            "logo_sha256": hashlib.sha256(data).hexdigest()}


async def _store(ctx: SkillContext, values: dict[str, Any]) -> None:
    now = ctx.now_iso()
    await ctx.db.execute("INSERT INTO business_profile (id, updated_at) VALUES (1, ?) ON CONFLICT (id) DO NOTHING",
                         (now,))
    columns = ", ".join(f"{k} = ?" for k in values)
    await ctx.db.execute(f"UPDATE business_profile SET {columns}, updated_at = ? WHERE id = 1",
                         (*values.values(), now))
