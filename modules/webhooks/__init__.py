"""Webhooks: signed outbound POSTs of domain events, with every delivery kept and retried."""

from modules.webhooks import dispatch, endpoints
from skills import Automation, Migration, Module

module = Module(
    id="webhooks",
    name="Webhooks",
    description="Outbound webhooks: domain events POSTed as JSON with an HMAC-SHA256 signature.",
    category="automation",
    version="1.0.0",
    skills=(endpoints.create_endpoint, endpoints.list_endpoints, endpoints.set_enabled, dispatch.dispatch,
            dispatch.list_deliveries, dispatch.redeliver),
    automations=(Automation(name="Dispatch events", trigger="cron", config={"schedule": "* * * * *"},
                            skill="webhooks_dispatch_events", description="Send new events to endpoints."),),
    migrations=(Migration(1, """
        CREATE TABLE webhooks_endpoints (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL,
            events TEXT NOT NULL,
            secret TEXT NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 1,
            last_event_id INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE webhooks_deliveries (
            id INTEGER PRIMARY KEY,
            endpoint_id INTEGER NOT NULL REFERENCES webhooks_endpoints(id),
            event_id INTEGER NOT NULL REFERENCES events(id),
            status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            status_code INTEGER,
            error_kind TEXT,
            last_error TEXT,
            created_at TEXT NOT NULL,
            delivered_at TEXT,
            UNIQUE (endpoint_id, event_id)
        );
        CREATE INDEX webhooks_deliveries_status ON webhooks_deliveries(status, id);
    """),),
)
