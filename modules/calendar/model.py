"""Calendar: the models its skills return."""

from __future__ import annotations

from skills import Page, Record


class Event(Record):
    id: int
    title: str
    starts_at: str
    ends_at: str
    location: str | None
    description: str | None
    attendees: list[str]


class EventPage(Page[Event]):
    pass


class Conflict(Record):
    first: Event
    second: Event


class Conflicts(Record):
    conflicts: list[Conflict]


class Export(Record):
    events: int
    ics: str
