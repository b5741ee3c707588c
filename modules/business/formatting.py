"""Amounts, dates, rates and country names written the way the business's locale writes them.

Babel (CLDR data) does the work: ``1.234,50 €`` in de_DE, ``€1,234.50`` in en_IE, ``1 234,50 $US``
for dollars in fr_FR. Amounts are integer minor units (cents) everywhere in Pilothouse; here they
become Decimals, never floats, so nothing is rounded twice. Babel is imported where it is used:
its CLDR tables load with the first document, not with every process.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo


def money(cents: int, currency: str, locale: str) -> str:
    from babel.numbers import format_currency

    return format_currency(Decimal(cents) / 100, currency, locale=locale)


def day(value: date | str, locale: str) -> str:
    """A date as the locale writes it in full text: ``2 Nov 2026``, ``02.11.2026``."""
    from babel.dates import format_date

    return format_date(date.fromisoformat(value) if isinstance(value, str) else value, format="medium",
                       locale=locale)


def moment(value: datetime | str, locale: str, time_zone: str) -> str:
    """A date and time in the business's zone, as the locale writes them: ``4 Nov 2026, 10:00 (GMT)``."""
    from babel.dates import format_date, format_time

    when = (datetime.fromisoformat(value) if isinstance(value, str) else value).astimezone(ZoneInfo(time_zone))
    return f"{format_date(when, 'medium', locale=locale)}, {format_time(when, 'short', locale=locale)} ({when:%Z})"


def number(value: float, locale: str) -> str:
    """A quantity: no needless decimals (``3``, ``1,5``)."""
    from babel.numbers import format_decimal

    return format_decimal(Decimal(str(value)).normalize(), format="#,##0.###", locale=locale)


def rate(percent: float, locale: str) -> str:
    return f"{number(percent, locale)}\u00a0%"


def country_name(code: str, locale: str) -> str:
    from babel import Locale

    return str(Locale.parse(locale).territories.get(code, code))
