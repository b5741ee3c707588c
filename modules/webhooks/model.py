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
    uncertain: int  # taken over from a run that died mid-POST: resent with the same webhook-id
    endpoints_failing: list[int]  # endpoints whose circuit this run opened (webhooks_list_endpoints shows why)


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
    state: str = "healthy"  # healthy | open (waiting out its backoff) | probing (the next delivery tests it)
    failures: int = 0  # failed deliveries in a row
    retry_at: str | None = None  # while open: when the next delivery is tried
    last_error: str | None = None


class CreatedEndpoint(Endpoint):
    secret: str


class EndpointPage(Page[Endpoint]):
    pass
