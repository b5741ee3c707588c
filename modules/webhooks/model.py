"""Webhooks: the models its skills return."""

from __future__ import annotations

from skills import (
    Page,
    Record,
)


class DispatchReport(Record):
    queued: int
    delivered: int
    failed: int
    retrying: int


class Delivery(Record):
    id: int
    endpoint_id: int
    event_id: int
    event: str
    status: str
    attempts: int
    status_code: int | None
    error_kind: str | None
    last_error: str | None


class DeliveryPage(Page[Delivery]):
    pass


class Endpoint(Record):
    id: int
    url: str
    events: list[str]
    enabled: bool
    last_event_id: int


class CreatedEndpoint(Endpoint):
    secret: str


class EndpointPage(Page[Endpoint]):
    pass
