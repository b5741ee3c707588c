"""Calendar: events, conflict detection and iCalendar (ICS) export."""

from modules.calendar import demo, events
from modules.calendar.schema import MIGRATIONS
from skills import Module

module = Module(
    id="calendar",
    name="Calendar",
    description="Events with attendees, conflict detection, and ICS export (including booked appointments).",
    category="operations",
    version="1.0.0",
    skills=(events.create_event, events.list_events, events.find_conflicts, events.export_ics),
    migrations=MIGRATIONS,
    seed_demo=demo.seed,
)
