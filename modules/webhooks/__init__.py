"""Webhooks: signed outbound POSTs of domain events, with every delivery kept and retried."""

from modules.webhooks import deliveries, dispatch, endpoints
from modules.webhooks.attention import ATTENTION
from modules.webhooks.schema import MIGRATIONS
from modules.webhooks.settings import WebhookSettings
from skills import Module

module = Module(
    id="webhooks",
    name="Webhooks",
    description="Outbound webhooks: domain events POSTed as JSON, signed the Standard Webhooks way.",
    category="automation",
    version="1.0.0",
    skills=(endpoints.create_endpoint, endpoints.list_endpoints, endpoints.set_enabled, dispatch.dispatch,
            deliveries.list_deliveries, deliveries.redeliver),
    # No automation: every serve and worker process dispatches whenever deliveries are due
    # (server/delivery_loop.py), each delivery claimed so it leaves once.
    migrations=MIGRATIONS,
    settings=WebhookSettings,
    attention=ATTENTION,
)
