"""Webhook endpoints: where events go, which ones, and the secret that signs them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

from pydantic import Field

from modules.webhooks import circuit, targets
from modules.webhooks.model import CreatedEndpoint, Endpoint, EndpointPage
from modules.webhooks.signing import new_secret
from skills import Filters, NotFound, Row, SkillContext, fetch_page, skill
from skills.effects import effect

EVENT_PATTERN = r"^[a-z_*]+(\.[a-z_*]+)?$"


def _endpoint(row: Row, now: datetime) -> Endpoint:
    state = circuit.state(row, now)
    return Endpoint(id=row["id"], url=row["url"], events=json.loads(row["events"]), enabled=bool(row["enabled"]),
                    last_event_id=row["last_event_id"], state=state, failures=row["failures"],
                    retry_at=row["open_until"] if state == "open" else None,
                    last_error=f"{row['last_error_kind']}: {row['last_error']}" if row["failures"] else None)


SELECT = f"id, url, events, enabled, last_event_id, {circuit.STATE_COLUMNS}"


@skill(title="Add a webhook endpoint",
       effects=("disclosure",),
       examples=("post our events to a url", "connect zapier to our events"),
       synonyms=("integration", "zapier", "callback", "url", "notify"),
       open_world=True,
       instructions="""
       Registers an HTTPS URL to receive domain events as signed JSON POSTs. The host must resolve
       to public addresses only (no loopback, private, link-local or metadata address), checked
       again before every delivery; redirects are never followed. Internal receivers (and plain
       http) need the operator's PILOTHOUSE_WEBHOOK_ALLOW_PRIVATE=1 or PILOTHOUSE_WEBHOOK_ALLOW_HOSTS.
       `events` are names or wildcards: `invoice.*`, `lead.created`, `*`. The signing secret is
       returned ONCE here; store it on the receiving side to verify webhook-signature
       (Standard Webhooks: any of its libraries verifies with this secret as given).
       Delivery starts with events that happen after the endpoint is created.
       """)
async def create_endpoint(
    ctx: SkillContext,
    url: Annotated[str, Field(pattern=r"^https?://\S+$", max_length=500)],
    events: Annotated[list[Annotated[str, Field(pattern=EVENT_PATTERN)]], Field(min_length=1)],
) -> CreatedEndpoint:
    """Add an endpoint that receives signed event POSTs.

    Args:
        url: The receiver's public https URL.
        events: Event names or wildcards, e.g. ["invoice.*", "lead.created"].
    """
    await targets.check(url, env=targets.allowances(ctx.settings))
    start = await ctx.db.fetchval("SELECT COALESCE(MAX(id), 0) FROM events")
    secret = new_secret()
    result = await ctx.db.execute(
        "INSERT INTO webhooks_endpoints (url, events, secret, enabled, last_event_id, first_event_id, created_at) "
        "VALUES (?, ?, ?, 1, ?, ?, ?)", (url, json.dumps(sorted(set(events))), secret, start, start, ctx.now_iso()))
    return CreatedEndpoint(id=result.lastrowid or 0, url=url, events=sorted(set(events)), enabled=True,
                           last_event_id=start, secret=secret)


@skill(title="List webhook endpoints",
       examples=("which integrations receive our events", "show the webhook urls"),
       synonyms=("integrations", "urls", "callbacks"),
       read_only=True,
       instructions="""
       Lists endpoints with their event filters, delivery cursor and circuit: `state` healthy, open (it
       failed `failures` times in a row; nothing is sent to it until `retry_at`) or probing (its next
       delivery tests it), with the last error. Secrets are never shown again.
       """)
async def list_endpoints(ctx: SkillContext, limit: int = 50, offset: int = 0) -> EndpointPage:
    """List webhook endpoints.

    Args:
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    return await fetch_page(
        ctx.db, EndpointPage, select=SELECT, from_="webhooks_endpoints",
        filters=Filters(), order_by="id", limit=limit, offset=offset, item=lambda r: _endpoint(r, ctx.now()))


@skill(name="webhooks_set_endpoint_enabled", title="Enable or disable an endpoint",
       effects=(effect("disclosure", when={"enabled": True}),),
                                             examples=("pause the webhook", "turn the integration back on"),
                                             synonyms=("pause", "turn off", "turn on", "disable", "enable"),
       idempotent=True, instructions="""
       Pauses or resumes deliveries to one endpoint; queued deliveries are kept. Enabling it (again)
       closes its circuit: after fixing a failing receiver, its queue goes out on the next delivery pass.
       """)
async def set_enabled(ctx: SkillContext, endpoint_id: int, enabled: bool) -> Endpoint:
    """Enable or disable one webhook endpoint.

    Args:
        endpoint_id: The endpoint's id.
        enabled: True to deliver, false to pause.
    """
    result = await ctx.db.execute("UPDATE webhooks_endpoints SET enabled = ? WHERE id = ?", (int(enabled), endpoint_id))
    if not result.rowcount:
        raise NotFound(f"no webhook endpoint #{endpoint_id}; webhooks_list_endpoints shows them")
    if enabled:
        await circuit.reset(ctx.db, endpoint_id)
    row = await ctx.db.fetchone(f"SELECT {SELECT} FROM webhooks_endpoints WHERE id = ?", (endpoint_id,))
    assert row is not None
    return _endpoint(row, ctx.now())
