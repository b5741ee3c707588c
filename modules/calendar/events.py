"""Calendar events, conflicts and the ICS export (with confirmed appointments when bookings is present)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Annotated

from pydantic import Field

from modules.calendar.ics import calendar
from modules.calendar.model import Conflict, Conflicts, Event, EventPage, Export
from skills import Filters, SkillContext, SkillFailed, fetch_page, skill

COLUMNS = "id, title, starts_at, ends_at, location, description, attendees"


def _event(row: dict) -> Event:  # type: ignore[type-arg]
    return Event(**{**row, "attendees": json.loads(row["attendees"])})


def _range(date_from: date | None, date_to: date | None) -> Filters:
    return (Filters().add("ends_at > ?", date_from.isoformat() if date_from else None)
            .add("starts_at < ?", (date_to + timedelta(days=1)).isoformat() if date_to else None))


@skill(title="Create calendar event",
       examples=("put a meeting in the calendar", "add an event to the calendar"),
       synonyms=("meeting", "event", "diary", "agenda"),
       instructions="""
    Adds an event with start and end (ISO 8601 with timezone; stored in UTC), optional location,
    description and attendee emails. The end must be after the start. Overlaps are allowed here;
    calendar_find_conflicts lists them.
    """)
async def create_event(
    ctx: SkillContext,
    title: Annotated[str, Field(min_length=1, max_length=200)],
    starts_at: datetime,
    ends_at: datetime,
    location: str | None = None,
    description: str | None = None,
    attendees: list[Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]] | None = None,
) -> Event:
    """Create a calendar event.

    Args:
        title: What the event is.
        starts_at: Start, ISO 8601 with timezone.
        ends_at: End, ISO 8601 with timezone.
        location: Where it happens.
        description: Details.
        attendees: Email addresses of the attendees.
    """
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise SkillFailed("starts_at and ends_at need a timezone, e.g. 2026-11-03T10:00:00+00:00")
    if ends_at <= starts_at:
        raise SkillFailed("ends_at must be after starts_at")
    utc = ctx.now().tzinfo
    result = await ctx.db.execute(
        "INSERT INTO calendar_events (title, starts_at, ends_at, location, description, attendees, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (title, starts_at.astimezone(utc).isoformat(), ends_at.astimezone(utc).isoformat(), location, description,
         json.dumps(attendees or []), ctx.now_iso()))
    row = await ctx.db.fetchone(f"SELECT {COLUMNS} FROM calendar_events WHERE id = ?", (result.lastrowid,))
    assert row is not None
    return _event(row)


@skill(title="List calendar events",
       examples=("what's in the calendar", "my meetings this week"),
       synonyms=("agenda", "diary", "meetings", "schedule"),
       read_only=True,
       instructions="Events overlapping a date range (UTC days, inclusive), in start order.")
async def list_events(ctx: SkillContext, date_from: date | None = None, date_to: date | None = None,
                      limit: int = 100, offset: int = 0) -> EventPage:
    """List calendar events in a date range.

    Args:
        date_from: First day, YYYY-MM-DD.
        date_to: Last day (inclusive), YYYY-MM-DD.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    return await fetch_page(
        ctx.db, EventPage, select=COLUMNS, from_="calendar_events", filters=_range(date_from, date_to),
        order_by="starts_at", limit=limit, offset=offset, item=_event)


@skill(title="Find calendar conflicts",
       examples=("are there clashes in the calendar", "double-booked meetings"),
       synonyms=("clash", "overlap", "double booked"),
       read_only=True,
       instructions="Pairs of events in the range whose times overlap (touching end and start is no conflict).")
async def find_conflicts(ctx: SkillContext, date_from: date | None = None, date_to: date | None = None) -> Conflicts:
    """Find overlapping events in a date range.

    Args:
        date_from: First day, YYYY-MM-DD.
        date_to: Last day (inclusive), YYYY-MM-DD.
    """
    filters = _range(date_from, date_to)
    rows = await ctx.db.fetchall(f"SELECT {COLUMNS} FROM calendar_events{filters.where} ORDER BY starts_at",
                                 filters.params)
    events = [_event(r) for r in rows]
    found = [Conflict(first=a, second=b) for i, a in enumerate(events) for b in events[i + 1:]
             if b.starts_at < a.ends_at]
    return Conflicts(conflicts=found)


@skill(title="Export calendar (ICS)",
       examples=("get the calendar as an ics file", "sync the calendar to google calendar"),
       synonyms=("ics", "outlook", "google calendar", "sync"),
       read_only=True,
       instructions="""
       The events of a date range as an RFC 5545 iCalendar file (text/calendar) that Google, Apple and
       Outlook calendars import: UTC times, stable UIDs, folded lines. Confirmed appointments from the
       bookings module are included when that module is installed and `include_bookings` is true.
       """)
async def export_ics(ctx: SkillContext, date_from: date | None = None, date_to: date | None = None,
                     include_bookings: bool = True) -> Export:
    """Export calendar events (and booked appointments) as an .ics document.

    Args:
        date_from: First day, YYYY-MM-DD.
        date_to: Last day (inclusive), YYYY-MM-DD.
        include_bookings: Also include confirmed appointments from bookings.
    """
    filters = _range(date_from, date_to)
    rows = await ctx.db.fetchall(f"SELECT {COLUMNS} FROM calendar_events{filters.where} ORDER BY starts_at",
                                 filters.params)
    items = [{**r, "uid": f"event-{r['id']}"} for r in rows]
    has_bookings = await ctx.db.fetchone("SELECT 1 FROM sqlite_master WHERE name = 'bookings_appointments'")
    if include_bookings and has_bookings:
        booked = await ctx.db.fetchall(
            "SELECT a.id, a.starts_at, a.ends_at, s.name || ': ' || a.customer_name AS title FROM "
            f"bookings_appointments a JOIN bookings_services s ON s.id = a.service_id{filters.where} "
            f"{'AND' if filters.clauses else 'WHERE'} a.status = 'confirmed' ORDER BY a.starts_at", filters.params)
        items += [{**r, "uid": f"booking-{r['id']}"} for r in booked]
    items.sort(key=lambda e: e["starts_at"])
    return Export(events=len(items), ics=calendar(items, ctx.now()))
