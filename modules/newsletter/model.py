"""Newsletter: the models its skills return."""

from __future__ import annotations

from skills import Record


class Campaign(Record):
    id: int
    subject: str
    status: str
    recipients: int


class Stats(Record):
    active: int
    pending: int
    unsubscribed: int
    campaigns: list[Campaign]


class Subscriber(Record):
    id: int
    email: str
    status: str
