"""Support: the models its skills return."""

from __future__ import annotations

from skills import Page, Record
from skills.outside import Outside


class Ticket(Record):
    id: int
    subject: Outside[str]  # the customer wrote it
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


class Message(Record):
    author: str  # customer, agent or note
    body: Outside[str]  # the customer's words, and the business's own replies beside them
    at: str


class Thread(Ticket):
    messages: list[Message]


class SlaReport(Record):
    breached: list[Ticket]
    at_risk: list[Ticket]
