"""Delivering domain events to endpoints, signed; every attempt recorded, nothing lost.

New events are first queued as delivery rows (one per endpoint and event, never twice, each with
its Standard Webhooks message id), and the endpoint's cursor moves past them in the same
transaction. Due rows are then claimed in chunks (owner + claim expiry, claims.py) and POSTed
with no lock held, chunk after chunk while rows are due and the run's time budget lasts. A
failure stays queued with its status code and error kind and is retried with backoff (1 min,
doubling to 1 h) for 24 h (skills.delivery), then it is ``failed`` until redelivered. An
endpoint that is unreachable is not tried again in the same run.

What a run reports (``ctx.report``): deliveries done and failed, and the receivers' refusal. A run
that delivered nothing because the receiver answered 401, 403 or 429 is a hard-gate negative,
so three such runs in a row pause the skill. What a later attempt varies (self-repair):
a delivery whose last attempt timed out gets a longer timeout (10 s, 20 s, then 30 s); an endpoint
that did not answer is skipped for the rest of the run; a run retried after its own timeout
(``ctx.retry``) claims smaller chunks. Nothing already delivered is sent again: each delivery is
claimed and marked, and the executor never retries a run that reported its failures.
"""

from __future__ import annotations

import fnmatch
import json
import time
from typing import Annotated, Literal

import httpx
from pydantic import Field

from modules.webhooks import claims, targets
from modules.webhooks.model import Delivery, DeliveryPage, DispatchReport
from modules.webhooks.signing import headers as signed
from skills import (
    HARD_GATES,
    RETRYABLE,
    ErrorKind,
    Filters,
    Row,
    SkillContext,
    SkillFailed,
    classify_http_status,
    fetch_one,
    fetch_page,
    skill,
)
from skills.context import Database
from skills.delivery import RetryPolicy

CHUNK = 50
TIMEOUT_S = 10.0
MAX_TIMEOUT_S = 30.0
ENDPOINT_DOWN = frozenset({ErrorKind.NETWORK, ErrorKind.TIMEOUT})


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
                        "INSERT INTO webhooks_deliveries (endpoint_id, event_id, status, message_id, created_at) "
                        "VALUES (?, ?, 'pending', ?, ?) ON CONFLICT (endpoint_id, event_id) DO NOTHING",
                        (ep["id"], event["id"], claims.new_message_id(), ctx.now_iso()))
                    queued += result.rowcount
            if events:
                await tx.execute("UPDATE webhooks_endpoints SET last_event_id = ? WHERE id = ?",
                                 (events[-1]["id"], ep["id"]))
    return queued


async def _post(ctx: SkillContext, row: Row) -> tuple[int | None, ErrorKind | None, str]:
    body = json.dumps({"id": row["event_id"], "event": row["name"], "payload": json.loads(row["payload"]),
                       "created_at": row["created_at"]}, separators=(",", ":")).encode()
    # The timestamp is this attempt's, in real time: receivers check it against their own clocks.
    headers = {"Content-Type": "application/json", "X-Pilothouse-Event": row["name"],
               **signed(row["secret"], row["message_id"], int(time.time()), body)}
    try:  # checked again at delivery, and connected to the address checked (see targets.py)
        target = await targets.check(row["url"], env=targets.allowances(ctx.settings))
    except targets.TargetRefused as exc:
        return None, ErrorKind.VALIDATION, exc.message
    try:
        response = await ctx.http.post(target.pinned_url, content=body,
                                       headers={**headers, "Host": target.host_header},
                                       extensions=target.extensions, follow_redirects=False,
                                       timeout=post_timeout(row))
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


def post_timeout(row: Row) -> float:
    """A delivery that timed out last time is given longer: the receiver may be slow, not down."""
    if row.get("error_kind") != ErrorKind.TIMEOUT:
        return TIMEOUT_S
    return min(MAX_TIMEOUT_S, TIMEOUT_S * (1 + min(int(row["attempts"]), 2)))  # 20 s, then 30 s


def chunk_size(retry: int) -> int:
    """A run retried after it ran out of time claims less per chunk (50, 25, 12)."""
    return max(1, CHUNK >> retry)


@skill(name="webhooks_dispatch_events", title="Dispatch events to webhooks",
                                        examples=("push events to the integrations", "send pending webhook events"),
                                        synonyms=("push", "notify", "integrations"),
       transactional=False, open_world=True, timeout_s=120, instructions="""
       Queues new domain events for every matching endpoint, then POSTs due deliveries as JSON
       {id, event, payload, created_at}, signed the Standard Webhooks way (webhook-id,
       webhook-timestamp, webhook-signature: v1 HMAC-SHA256 with the endpoint's secret). Runs every
       minute and keeps going while deliveries are due, for up to 45 s (setting run_budget_s). Each
       delivery is claimed before it is sent, so two runs never POST it twice, and keeps its
       webhook-id on every retry, so a receiver can drop a resend. Failures are classified
       (auth_failed for 401, rate_limited or quota_hit for 429, http_5xx, timeout, network) and
       retried with backoff (1 min, doubling to 1 h) for 24 h (settings retry_base_s, retry_max_s,
       retry_budget_hours); nothing is dropped. A run in which receivers refused every delivery
       (401/403/429) fails as that refusal: three in a row pause the skill. A delivery that timed
       out is given a longer timeout next time (up to 30 s); a retried run claims smaller chunks.
       """)
async def dispatch(ctx: SkillContext, limit: Annotated[int, Field(ge=1)] | None = None) -> DispatchReport:
    """Send new and due events to the webhook endpoints that want them.

    Args:
        limit: At most this many deliveries in this run; default as many as are due within the run's time budget.
    """
    queued = await _queue_new_events(ctx)
    policy = RetryPolicy.from_settings(ctx.settings)
    owner, deadline = claims.new_owner(), policy.run_deadline()
    report = DispatchReport(queued=queued, delivered=0, failed=0, retrying=0)
    kinds: list[ErrorKind] = []
    down: set[int] = set()  # endpoints that did not answer in this run: their other rows wait
    attempted = 0
    while limit is None or attempted < limit:
        size = chunk_size(ctx.retry) if limit is None else min(chunk_size(ctx.retry), limit - attempted)
        rows = await claims.claim(ctx.db, owner, ctx.now(), size, skip=down)
        if not rows:
            break
        for row in rows:
            if row["endpoint_id"] in down:
                continue  # released untried at the end of the run
            attempted += 1
            code, kind, error = await _post(ctx, row)
            attempts = row["attempts"] + 1
            retry_at = None
            if kind is None:
                status = "delivered"
                report.delivered += 1
            else:
                # A refusal (401/403/429) may be fixed on the receiver's side: kept on its schedule.
                permanent = kind not in RETRYABLE and kind not in HARD_GATES
                retry_at = None if permanent else policy.next_attempt(attempts, row["queued_at"], ctx.now())
                status = "pending" if retry_at else "failed"
                report.failed += retry_at is None
                report.retrying += retry_at is not None
                kinds.append(kind)
                if kind in ENDPOINT_DOWN:
                    down.add(row["endpoint_id"])
            await claims.mark(ctx.db, row["id"], owner, status=status, attempts=attempts, code=code, kind=kind,
                              error=error or None, retry_at=retry_at, now=ctx.now())
        if time.monotonic() >= deadline:
            break
    await claims.release(ctx.db, owner)
    # Nothing due is neutral (it says nothing about the receivers); nothing delivered is a failed run, as
    # the receivers refused (the breaker, the auto-pause and health see it); each delivery keeps its own
    # retry schedule.
    refusal = next((k for k in kinds if k in HARD_GATES), kinds[0] if kinds else None)
    if not attempted:
        ctx.report(outcome="neutral")
    else:
        ctx.report(done=report.delivered, failed=report.failed + report.retrying, failure=refusal,
                   detail=f"{attempted} tried" + (f"; first failure: {refusal}" if refusal else ""))
    return report


@skill(title="List webhook deliveries",
       examples=("did the webhook posts succeed", "failed webhook posts"),
       synonyms=("failed", "calls", "log", "history"),
       read_only=True,
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


async def failed_deliveries(db: Database, limit: int) -> list[Row]:
    """The newest failed deliveries with their event's name (for the supervisor's cockpit)."""
    return await db.fetchall(
        "SELECT d.id, d.endpoint_id, e.name AS event, d.attempts, d.status_code, d.error_kind, d.last_error "
        "FROM webhooks_deliveries d JOIN events e ON e.id = d.event_id WHERE d.status = 'failed' "
        "ORDER BY d.id DESC LIMIT ?", (limit,))


@skill(title="Redeliver a webhook",
       examples=("send that webhook again", "resend a failed event"),
       synonyms=("resend", "retry", "again"),
       idempotent=True,
       instructions="Queues a failed (or delivered) delivery again with a fresh attempt count; the next run sends "
                    "it, with the same webhook-id.")
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
    await ctx.db.execute("UPDATE webhooks_deliveries SET status = 'pending', attempts = 0, next_attempt_at = NULL "
                         "WHERE id = ?", (delivery_id,))
    result = await ctx.db.fetchone(
        "SELECT d.id, d.endpoint_id, d.event_id, e.name AS event, d.status, d.attempts, d.status_code, d.error_kind,"
        " d.last_error FROM webhooks_deliveries d JOIN events e ON e.id = d.event_id WHERE d.id = ?", (delivery_id,))
    assert result is not None
    return Delivery(**result)
