"""Calendar: events, conflict detection and iCalendar (ICS) export."""

from datetime import timedelta

from modules.calendar import events
from skills import Migration, Module, SkillContext


async def seed_demo(ctx: SkillContext) -> None:
    start = (ctx.now() + timedelta(days=1)).replace(hour=14, minute=0, second=0, microsecond=0)
    for offset, title, place in ((0, "Team standup", "Room 2"), (2, "Supplier call, Kestrel", "Phone")):
        begin = start + timedelta(days=offset)
        await ctx.db.execute(
            "INSERT INTO calendar_events (title, starts_at, ends_at, location, attendees, created_at) "
            "VALUES (?, ?, ?, ?, '[]', ?)",
            (title, begin.isoformat(), (begin + timedelta(minutes=30)).isoformat(), place, ctx.now_iso()))


module = Module(
    id="calendar",
    name="Calendar",
    description="Events with attendees, conflict detection, and ICS export (including booked appointments).",
    category="operations",
    version="1.0.0",
    skills=(events.create_event, events.list_events, events.find_conflicts, events.export_ics),
    migrations=(Migration(1, """
        CREATE TABLE calendar_events (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            starts_at TEXT NOT NULL,
            ends_at TEXT NOT NULL,
            location TEXT,
            description TEXT,
            attendees TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL
        );
        CREATE INDEX calendar_events_start ON calendar_events(starts_at);
    """),),
    seed_demo=seed_demo,
)
