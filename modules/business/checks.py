"""Checks of the profile's fields, each returning the normalised value or raising ``ValueError``
with what is wrong and what a right value looks like.

Why these libraries: Babel knows the ISO 3166 countries, the ISO 4217 currencies and the CLDR
locales (it formats the documents too), python-stdnum knows the IBAN checksum, BIC format and
the VAT or tax-number rules of ~80 countries, zoneinfo (with the tzdata package where the system
has no database) knows the IANA time zones, and Pillow reads a logo's real type and size.
Nothing here is a hand-kept list.
"""

from __future__ import annotations

import io
import re
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from skills.formats import EMAIL

LOGO_MAX_BYTES = 512 * 1024
LOGO_MIN_PX, LOGO_MAX_PX = 32, 4000
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{4,29}$")
# A company or tax number with no known rule: letters, digits and the usual separators.
LOOSE_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]{1,39}$")


@cache
def _countries() -> frozenset[str]:
    from babel import Locale

    codes = (str(code) for code in Locale("en").territories)
    return frozenset(code for code in codes if len(code) == 2 and code.isalpha())


def country(value: str) -> str:
    code = value.strip().upper()
    if code not in _countries():
        raise ValueError(f"{value!r} is not an ISO 3166-1 country code; use two letters, e.g. DE, FR, GB, US")
    return code


def currency(value: str) -> str:
    from babel.numbers import is_currency

    code = value.strip().upper()
    if not (len(code) == 3 and is_currency(code)):
        raise ValueError(f"{value!r} is not an ISO 4217 currency code; use three letters, e.g. EUR, USD, GBP")
    return code


def locale(value: str) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(value.strip().replace("-", "_")))
    except (ValueError, UnknownLocaleError):
        raise ValueError(f"{value!r} is not a known locale; use a language and region, e.g. en_GB, de_DE, "
                         "fr_FR") from None


def time_zone(value: str) -> str:
    try:
        ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone; use e.g. Europe/Berlin, America/New_York, "
                         "UTC") from None
    return value.strip()


def _reason(exc: Exception) -> str:
    """python-stdnum's explanation ("the number's checksum is invalid"), lower case, no full stop."""
    return str(getattr(exc, "message", exc)).rstrip(".").lower()


def iban(value: str) -> str:
    from stdnum import iban as rule
    from stdnum.exceptions import ValidationError

    try:
        return str(rule.validate(value))
    except ValidationError as exc:
        raise ValueError(f"{value!r} is not a valid IBAN ({_reason(exc)}); copy it from "
                         "a bank statement, e.g. DE89 3704 0044 0532 0130 00") from None


def bic(value: str) -> str:
    from stdnum import bic as rule
    from stdnum.exceptions import ValidationError

    try:
        return str(rule.validate(value))
    except ValidationError:
        raise ValueError(f"{value!r} is not a valid BIC; 8 or 11 characters, e.g. COBADEFFXXX") from None


def tax_id(value: str, country_code: str | None) -> str:
    """The VAT or tax number, checked by the country's rule when python-stdnum knows one."""
    from stdnum import get_cc_module
    from stdnum.exceptions import ValidationError

    number = value.strip().upper()
    rule = get_cc_module(country_code.lower(), "vat") if country_code else None
    if rule is None:
        if not LOOSE_NUMBER.match(number):
            raise ValueError(f"{value!r} does not look like a tax number: letters, digits, spaces, . / -")
        return number
    try:
        rule.validate(number)
    except ValidationError as exc:
        raise ValueError(f"{value!r} is not a valid {country_code} VAT or tax number "
                         f"({_reason(exc)}); check it on the tax office's letter") from None
    return number


def company_number(value: str) -> str:
    number = value.strip()
    if not LOOSE_NUMBER.match(number):
        raise ValueError(f"{value!r} does not look like a company registration number: letters, digits, "
                         "spaces, . / -")
    return number


def email(value: str) -> str:
    if not re.match(EMAIL, value.strip()):
        raise ValueError(f"{value!r} is not an email address, e.g. billing@example.com")
    return value.strip()


def phone(value: str) -> str:
    if not PHONE.match(value.strip()):
        raise ValueError(f"{value!r} is not a phone number; digits with an optional +country prefix, "
                         "e.g. +49 40 1234567")
    return value.strip()


def url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or "." not in parts.netloc or " " in value.strip():
        raise ValueError(f"{value!r} is not a web address; include https://, e.g. https://example.com")
    return value.strip()


def logo(data: bytes) -> tuple[str, int, int]:
    """(MIME type, width, height) of a PNG or JPEG logo of a size a document can carry."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > LOGO_MAX_BYTES:
        raise ValueError(f"the logo is {len(data) // 1024} KB; keep it under {LOGO_MAX_BYTES // 1024} KB "
                         "(a 600 px wide PNG is plenty for print)")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            kind, (width, height) = image.format or "", image.size
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValueError("the logo is not a readable image; give a PNG or JPEG file") from None
    if kind not in LOGO_TYPES:
        raise ValueError(f"the logo is {kind or 'an unknown format'}; give a PNG or JPEG file")
    if min(width, height) < LOGO_MIN_PX or max(width, height) > LOGO_MAX_PX:
        raise ValueError(f"the logo is {width}x{height} px; give one between {LOGO_MIN_PX} and "
                         f"{LOGO_MAX_PX} px on each side")
    return LOGO_TYPES[kind], width, height
