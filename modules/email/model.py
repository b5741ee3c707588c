"""Email: the models its skills return."""

from __future__ import annotations

from skills import (
    Page,
    Record,
)


class DeliveryReport(Record):
    attempted: int
    sent: int
    failed: int  # dead-lettered in this run: refused for good, out of retry budget, or not buildable
    requeued: int  # failed this time, due again at their next attempt
    held: int  # emails waiting because no mail server is configured (notification webhooks still went)
    uncertain: int  # taken over from a deliverer that died mid-send: resent with the same identity
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
    message_id: str | None
    uncertain_at: str | None  # a deliverer died while sending it: resent with the same identity


class OutboxPage(Page[OutboxItem]):
    pass


class Queued(Record):
    outbox_id: int
    to: str
    subject: str
    status: str  # "queued", or "queued, not sent: <why>" when mail cannot leave now


class Requeued(Record):
    requeued: list[int]


class TestSent(Record):
    sent: bool
    to: str
    server: str  # host:port it went through
    outbox_id: int
    message_id: str


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
