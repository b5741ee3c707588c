"""Bookings: the models its skills return."""

from __future__ import annotations

from skills import Page, Record
from skills.outside import Outside


class Appointment(Record):
    id: int
    service_id: int
    service: str
    customer_name: Outside[str]  # typed by whoever booked online
    customer_email: str
    starts_at: str
    ends_at: str
    status: str


class AppointmentPage(Page[Appointment]):
    pass


class Slots(Record):
    service_id: int
    date: str
    slots: list[str]


class Service(Record):
    id: int
    name: str
    duration_minutes: int
    buffer_minutes: int
    price_cents: int


class Hours(Record):
    weekday: str
    opens: str | None
    closes: str | None
