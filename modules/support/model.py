"""Support: the models its skills return."""

from __future__ import annotations

from skills import Page, Record


class Ticket(Record):
    id: int
    subject: str
    customer_email: str
    priority: str
    status: str
    sla_due_at: str
    first_response_at: str | None
    created_at: str
    resolved_at: str | None
    replies: int


class TicketPage(Page[Ticket]):
    pass


class SlaReport(Record):
    breached: list[Ticket]
    at_risk: list[Ticket]
