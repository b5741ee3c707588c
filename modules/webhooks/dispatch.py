"""Delivering domain events to endpoints, signed; every attempt recorded, nothing lost.

New events are first queued as delivery rows (one per endpoint and event, never twice), and
the endpoint's cursor moves past them in the same transaction. Queued rows are then POSTed
with no lock held. A failure stays queued with its status code and error kind and is tried
again on the next run, up to MAX_ATTEMPTS, after which it is `failed` until redelivered.
"""

from __future__ import annotations

import fnmatch
import json
import time
from typing import Annotated, Literal

import httpx
from pydantic import Field

from modules.webhooks import targets
from modules.webhooks.model import Delivery, DeliveryPage, DispatchReport
from modules.webhooks.signing import HEADER, sign
from skills import (
    RETRYABLE,
    ErrorKind,
    ExternalError,
    Filters,
    Row,
    SkillContext,
    SkillFailed,
    classify_http_status,
    fetch_one,
    fetch_page,
    skill,
)

MAX_ATTEMPTS = 8


def matches(patterns: list[str], event: str) -> bool:
    return any(fnmatch.fnmatchcase(event, p) for p in patterns)


async def _queue_new_events(ctx: SkillContext) -> int:
    queued = 0
    async with ctx.db.transaction() as tx:
        for ep in await tx.fetchall("SELECT id, events, last_event_id FROM webhooks_endpoints WHERE enabled = 1"):
            patterns = json.loads(ep["events"])
            events = await tx.fetchall("SELECT id, name FROM events WHERE id > ? ORDER BY id", (ep["last_event_id"],))
            for event in events:
                if matches(patterns, event["name"]):
                    result = await tx.execute(
                        "INSERT OR IGNORE INTO webhooks_deliveries (endpoint_id, event_id, status, created_at) "
                        "VALUES (?, ?, 'pending', ?)", (ep["id"], event["id"], ctx.now_iso()))
                    queued += result.rowcount
            if events:
                await tx.execute("UPDATE webhooks_endpoints SET last_event_id = ? WHERE id = ?",
                                 (events[-1]["id"], ep["id"]))
    return queued


async def _post(ctx: SkillContext, row: Row) -> tuple[int | None, ErrorKind | None, str]:
    body = json.dumps({"id": row["event_id"], "event": row["name"], "payload": json.loads(row["payload"]),
                       "created_at": row["created_at"]}, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "X-Pilothouse-Event": row["name"],
               HEADER: sign(row["secret"], int(time.time()), body)}
    try:  # checked again at delivery, and connected to the address checked (see targets.py)
        target = await targets.check(row["url"])
    except targets.TargetRefused as exc:
        return None, ErrorKind.VALIDATION, exc.message
    try:
        response = await ctx.http.post(target.pinned_url, content=body, headers={**headers, "Host": target.host_header},
                                       extensions=target.extensions, follow_redirects=False, timeout=10)
    except httpx.TimeoutException as exc:
        return None, ErrorKind.TIMEOUT, f"timed out: {exc}"
    except httpx.TransportError as exc:
        return None, ErrorKind.NETWORK, f"unreachable: {exc}"
    code = response.status_code
    if 300 <= code < 400:  # a redirect could point anywhere, inward included: never followed
        return code, ErrorKind.HTTP_4XX, f"HTTP {code}: redirects are not followed; register the final URL"
    if code >= 400:  # the receiver's body is not kept: status only (it may echo anything back)
        return code, classify_http_status(code, response.text), f"HTTP {code}"
    return code, None, ""


@skill(name="webhooks_dispatch_events", title="Dispatch events to webhooks",
       transactional=False, open_world=True, timeout_s=120, instructions="""
       Queues new domain events for every matching endpoint, then POSTs queued deliveries as JSON
       {id, event, payload, created_at}, signed in X-Pilothouse-Signature. Runs every minute.
       Failures are classified (auth_failed for 401, rate_limited or quota_hit for 429, http_5xx,
       timeout, network) and retried next run; nothing is dropped.
       """)
async def dispatch(ctx: SkillContext, limit: Annotated[int, Field(ge=1, le=500)] = 100) -> DispatchReport:
    """Send new and queued events to the webhook endpoints that want them.

    Args:
        limit: At most this many deliveries in one run.
    """
    queued = await _queue_new_events(ctx)
    rows = await ctx.db.fetchall(
        "SELECT d.id, d.event_id, d.attempts, e.name, e.payload, e.created_at, p.url, p.secret "
        "FROM webhooks_deliveries d JOIN events e ON e.id = d.event_id JOIN webhooks_endpoints p ON p.id = "
        "d.endpoint_id WHERE d.status = 'pending' AND p.enabled = 1 ORDER BY d.id LIMIT ?", (limit,))
    report = DispatchReport(queued=queued, delivered=0, failed=0, retrying=0)
    kinds = []
    for row in rows:
        code, kind, error = await _post(ctx, row)
        attempts = row["attempts"] + 1
        if kind is None:
            status = "delivered"
            report.delivered += 1
        else:
            final = attempts >= MAX_ATTEMPTS or (kind not in RETRYABLE and kind != ErrorKind.AUTH_FAILED)
            status = "failed" if final else "pending"
            report.failed += final
            report.retrying += not final
            kinds.append(kind)
        await ctx.db.execute(
            "UPDATE webhooks_deliveries SET status = ?, attempts = ?, status_code = ?, error_kind = ?, last_error = ?,"
            " delivered_at = ? WHERE id = ?",
            (status, attempts, code, kind, error or None, ctx.now_iso() if kind is None else None, row["id"]))
    if not rows:
        ctx.set_outcome("no_effect")
    elif not report.delivered and all(k in RETRYABLE or k == ErrorKind.AUTH_FAILED for k in kinds):
        raise ExternalError(f"no webhook delivered ({len(rows)} tried; first: {kinds[0]})", kind=kinds[0])
    return report


@skill(title="List webhook deliveries", read_only=True,
       instructions="Every delivery attempt's state, newest first: status code, error kind and last error.")
async def list_deliveries(
    ctx: SkillContext,
    status: Literal["pending", "delivered", "failed"] | None = None,
    endpoint_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> DeliveryPage:
    """List webhook deliveries by status or endpoint.

    Args:
        status: Only deliveries in this state.
        endpoint_id: Only this endpoint's deliveries.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    filters = Filters().add("d.status = ?", status).add("d.endpoint_id = ?", endpoint_id)
    return await fetch_page(
        ctx.db, DeliveryPage,
        select="d.id, d.endpoint_id, d.event_id, e.name AS event, d.status, d.attempts, d.status_code, "
               "d.error_kind, d.last_error",
        from_="webhooks_deliveries d JOIN events e ON e.id = d.event_id", filters=filters, order_by="d.id DESC",
        limit=limit, offset=offset)


@skill(title="Redeliver a webhook", idempotent=True,
       instructions="Queues a failed (or delivered) delivery again with a fresh attempt count; the next run sends it.")
async def redeliver(ctx: SkillContext, delivery_id: int) -> Delivery:
    """Queue one delivery again.

    Args:
        delivery_id: The delivery's id (webhooks_list_deliveries).
    """
    row = await fetch_one(
        ctx.db, "SELECT status FROM webhooks_deliveries WHERE id = ?", (delivery_id,),
        missing=f"no delivery #{delivery_id}; webhooks_list_deliveries shows them")
    if row["status"] == "pending":
        raise SkillFailed(f"delivery #{delivery_id} is already queued")
    await ctx.db.execute("UPDATE webhooks_deliveries SET status = 'pending', attempts = 0 WHERE id = ?", (delivery_id,))
    result = await ctx.db.fetchone(
        "SELECT d.id, d.endpoint_id, d.event_id, e.name AS event, d.status, d.attempts, d.status_code, d.error_kind,"
        " d.last_error FROM webhooks_deliveries d JOIN events e ON e.id = d.event_id WHERE d.id = ?", (delivery_id,))
    assert result is not None
    return Delivery(**result)
