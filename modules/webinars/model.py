"""Webinars: the models its skills return."""

from __future__ import annotations

from skills import Page, Record


class WebinarSummary(Record):
    id: int
    title: str
    starts_at: str
    status: str
    capacity: int
    seats_left: int
    registered: int
    waitlisted: int
    # None until the webinar has started (and never for a cancelled one): zero would read as "nobody came".
    attended: int | None


class WebinarPage(Page[WebinarSummary]):
    pass


class Webinar(Record):
    id: int
    title: str
    starts_at: str
    capacity: int
    status: str
    registered: int
    waitlisted: int


class Registration(Record):
    id: int
    webinar_id: int
    email: str
    status: str


class Attendance(Record):
    webinar_id: int
    registered: int
    attended: int
    rate: float
    no_shows: list[str]
