"""Email: the models its skills return."""

from __future__ import annotations

from skills import (
    Page,
    Record,
)


class DeliveryReport(Record):
    attempted: int
    sent: int
    failed: int
    requeued: int
    errors: list[str]


class OutboxItem(Record):
    id: int
    channel: str
    recipient: str
    subject: str
    purpose: str
    status: str
    attempts: int
    last_error: str | None
    error_kind: str | None
    created_at: str
    sent_at: str | None


class OutboxPage(Page[OutboxItem]):
    pass


class Queued(Record):
    outbox_id: int
    to: str
    subject: str


class Requeued(Record):
    requeued: list[int]


class Template(Record):
    id: int | None  # None: a system template the owner has not changed (it lives in the code)
    name: str
    subject: str
    body: str
    placeholders: list[str]
    system: bool = False  # a message Pilothouse sends (invoice, quote...): editable, not removable
    customized: bool = False


class TemplatePage(Page[Template]):
    pass
