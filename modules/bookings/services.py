"""Bookable services and weekly opening hours."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from modules.bookings.model import Hours, Service
from skills import SkillContext, SkillFailed, skill

HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@skill(title="Create bookable service",
       examples=("add something customers can book", "create an appointment type"),
       synonyms=("appointment type", "bookable", "offer"),
       instructions="""
    A service customers can book: how long it takes and the buffer kept free after it (cleanup,
    travel). Durations are whole minutes (5-480); the price is in cents.
    """)
async def create_service(
    ctx: SkillContext,
    name: Annotated[str, Field(min_length=2, max_length=120)],
    duration_minutes: Annotated[int, Field(ge=5, le=480)],
    buffer_minutes: Annotated[int, Field(ge=0, le=240)] = 0,
    price_cents: Annotated[int, Field(ge=0)] = 0,
) -> Service:
    """Create a service that can be booked, with its duration and buffer.

    Args:
        name: Service name, unique.
        duration_minutes: How long one appointment takes.
        buffer_minutes: Minutes kept free after each appointment.
        price_cents: Price in cents.
    """
    if await ctx.db.fetchone("SELECT 1 FROM bookings_services WHERE name = ?", (name,)):
        raise SkillFailed(f"a service named {name!r} already exists")
    result = await ctx.db.execute(
        "INSERT INTO bookings_services (name, duration_min, buffer_min, price_cents) VALUES (?, ?, ?, ?)",
        (name, duration_minutes, buffer_minutes, price_cents))
    return Service(id=result.lastrowid or 0, name=name, duration_minutes=duration_minutes,
                   buffer_minutes=buffer_minutes, price_cents=price_cents)


@skill(title="Set opening hours",
       examples=("change our opening hours", "we're closed on sundays"),
       synonyms=("opening hours", "open", "closed", "business hours"),
       idempotent=True,
       instructions="""
       Sets the bookable hours of one weekday, in UTC (HH:MM). Leave opens and closes empty to close
       that day. Existing appointments are kept even if they fall outside the new hours.
       """)
async def set_hours(
    ctx: SkillContext,
    weekday: Annotated[str, Field(pattern="^(" + "|".join(DAYS) + ")$")],
    opens: Annotated[str | None, Field(pattern=HHMM)] = None,
    closes: Annotated[str | None, Field(pattern=HHMM)] = None,
) -> Hours:
    """Set or clear the opening hours of one weekday.

    Args:
        weekday: Day of the week, e.g. monday.
        opens: Opening time HH:MM (UTC); empty closes the day.
        closes: Closing time HH:MM (UTC).
    """
    if (opens is None) != (closes is None):
        raise SkillFailed("give both opens and closes, or neither to close the day")
    if opens and closes and opens >= closes:
        raise SkillFailed(f"opens ({opens}) must be before closes ({closes})")
    await ctx.db.execute("INSERT INTO bookings_hours (weekday, opens, closes) VALUES (?, ?, ?) "
                         "ON CONFLICT(weekday) DO UPDATE SET opens = excluded.opens, closes = excluded.closes",
                         (DAYS.index(weekday), opens, closes))
    return Hours(weekday=weekday, opens=opens, closes=closes)
