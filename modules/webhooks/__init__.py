"""Webhooks: signed outbound POSTs of domain events, with every delivery kept and retried."""

from modules.webhooks import dispatch, endpoints
from modules.webhooks.attention import ATTENTION
from modules.webhooks.schema import MIGRATIONS
from modules.webhooks.settings import WebhookSettings
from skills import Automation, Module

module = Module(
    id="webhooks",
    name="Webhooks",
    description="Outbound webhooks: domain events POSTed as JSON, signed the Standard Webhooks way.",
    category="automation",
    version="1.0.0",
    skills=(endpoints.create_endpoint, endpoints.list_endpoints, endpoints.set_enabled, dispatch.dispatch,
            dispatch.list_deliveries, dispatch.redeliver),
    automations=(Automation(name="Dispatch events", trigger="cron", config={"schedule": "* * * * *"},
                            skill="webhooks_dispatch_events", description="Send new events to endpoints."),),
    migrations=MIGRATIONS,
    settings=WebhookSettings,
    attention=ATTENTION,
)
