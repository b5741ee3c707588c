"""Delivering domain events to endpoints, signed; every attempt recorded, nothing lost.

New events are first queued as delivery rows (one per endpoint and event, never twice, each with
its Standard Webhooks message id), and the endpoint's cursor moves past them in the same
transaction. Then every endpoint whose circuit lets deliveries through (circuit.py) is served in
its own task, at the same time as the others: its due rows are claimed in chunks (an owner and a
15 s lease the run renews: claims.py), each marked in flight and POSTed with no lock held. So a
slow or dead receiver holds up its own deliveries, never another endpoint's.

A failure is that delivery's and that endpoint's: the delivery stays queued with its status code
and error kind, retried with backoff (1 min, doubling to 1 h) for 24 h (skills.delivery), then
``failed`` until redelivered; the endpoint's circuit opens for its own backoff, the rest of its
rows wait untried, and a probe delivery closes it again. The dispatch run itself succeeds whatever
the receivers did (its report says what), so a receiver's outage never opens the skill's breaker
or pauses it; the delivery watch tells the administrator (server/delivery_watch.py).

What a later attempt varies (self-repair): a delivery whose last attempt timed out gets a longer
timeout (10 s, 20 s, then 30 s); a run retried after its own timeout claims smaller chunks.
Nothing already delivered is sent again: each delivery is claimed and marked, and a delivery
taken over from a run that died mid-POST is resent with its same webhook-id.
"""

from __future__ import annotations

import fnmatch
import json
import time
from datetime import timedelta
from typing import Annotated

import anyio
import httpx
from pydantic import Field

from modules.webhooks import circuit, claims, targets
from modules.webhooks.model import DispatchReport
from modules.webhooks.signing import headers as signed
from skills import HARD_GATES, RETRYABLE, ErrorKind, Row, SkillContext, classify_http_status, skill
from skills.delivery import RetryPolicy, renewing

CHUNK = 50
TIMEOUT_S = 10.0
MAX_TIMEOUT_S = 30.0
AT_ONCE = 8  # endpoints served at the same time
# How far behind its cursor each run looks again. On PostgreSQL, writers in other transactions take
# event ids before they commit, so an event can become visible after a higher id was read and the
# cursor moved past it (seen with three instances: 1 event of 80 never delivered). Looking back
# finds it; a delivery already queued is not queued twice (the unique endpoint/event pair).
LOOKBACK, LOOKBACK_AGE = 200, timedelta(hours=1)


def matches(patterns: list[str], event: str) -> bool:
    return any(fnmatch.fnmatchcase(event, p) for p in patterns)


async def _queue_new_events(ctx: SkillContext) -> int:
    queued, recent = 0, (ctx.now() - LOOKBACK_AGE).isoformat(timespec="seconds")
    async with ctx.db.transaction() as tx:
        for ep in await tx.fetchall("SELECT id, events, last_event_id, first_event_id FROM webhooks_endpoints "
                                    "WHERE enabled = 1"):
            patterns = json.loads(ep["events"])
            # New events, and recent ones behind the cursor that committed late (never from before the
            # endpoint, nor old ones whose delivered rows retention may have removed).
            events = await tx.fetchall(
                "SELECT id, name FROM events WHERE id > ? AND (id > ? OR created_at >= ?) ORDER BY id",
                (max(ep["first_event_id"], ep["last_event_id"] - LOOKBACK), ep["last_event_id"], recent))
            for event in events:
                if matches(patterns, event["name"]):
                    result = await tx.execute(
                        "INSERT INTO webhooks_deliveries (endpoint_id, event_id, status, message_id, created_at) "
                        "VALUES (?, ?, 'pending', ?, ?) ON CONFLICT (endpoint_id, event_id) DO NOTHING",
                        (ep["id"], event["id"], claims.new_message_id(), ctx.now_iso()))
                    queued += result.rowcount
            if events and events[-1]["id"] > ep["last_event_id"]:
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
                                       timeout=post_timeout(row, float(ctx.settings.get("timeout_s") or TIMEOUT_S)))
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


def post_timeout(row: Row, base_s: float = TIMEOUT_S) -> float:
    """A delivery that timed out last time is given longer: the receiver may be slow, not down."""
    if row.get("error_kind") != ErrorKind.TIMEOUT:
        return base_s
    return min(max(MAX_TIMEOUT_S, base_s), base_s * (1 + min(int(row["attempts"]), 2)))  # 20 s, then 30 s


def chunk_size(retry: int) -> int:
    """A run retried after it ran out of time claims less per chunk (50, 25, 12)."""
    return max(1, CHUNK >> retry)


class _Run:
    """One dispatch run: its owner, policy and report, and every endpoint's share of it."""

    def __init__(self, ctx: SkillContext, limit: int | None) -> None:
        self.ctx, self.limit = ctx, limit
        self.policy = RetryPolicy.from_settings(ctx.settings)
        self.owner, self.deadline = claims.new_owner(), self.policy.run_deadline()
        self.report = DispatchReport(queued=0, delivered=0, failed=0, retrying=0, uncertain=0, endpoints_failing=[])
        self.attempted = 0

    def _room(self) -> int:
        size = chunk_size(self.ctx.retry)
        return size if self.limit is None else min(size, self.limit - self.attempted)

    async def endpoint(self, endpoint: Row) -> None:
        """Deliver one endpoint's due rows until none is due, it fails, or the run's time is up."""
        probing = endpoint["failures"] > 0  # its circuit reopened: one delivery tests it first
        while self._room() > 0 and time.monotonic() < self.deadline:
            rows = await claims.claim(self.ctx.db, self.owner, self.ctx.now(), 1 if probing else self._room(),
                                      endpoint_id=endpoint["id"])
            if not rows:
                return
            for row in rows:
                if not await self._deliver(row):
                    return  # the endpoint failed: its other claimed rows are released untried
            probing = False

    async def _deliver(self, row: Row) -> bool:
        ctx = self.ctx
        self.attempted += 1
        self.report.uncertain += row["uncertain_at"] is not None and row["sending_since"] is not None
        await claims.start(ctx.db, row["id"], self.owner, ctx.now())
        code, kind, error = await _post(ctx, row)
        attempts, retry_at = row["attempts"] + 1, None
        if kind is None:
            status = "delivered"
            self.report.delivered += 1
            await circuit.delivered(ctx.db, row["endpoint_id"], ctx.now())
        else:
            # A refusal (401/403/429) may be fixed on the receiver's side: kept on its schedule.
            permanent = kind not in RETRYABLE and kind not in HARD_GATES
            retry_at = None if permanent else self.policy.next_attempt(attempts, row["queued_at"], ctx.now())
            status = "pending" if retry_at else "failed"
            self.report.failed += retry_at is None
            self.report.retrying += retry_at is not None
            await circuit.failed(ctx.db, row["endpoint_id"], kind=str(kind), error=error, now=ctx.now(),
                                 policy=self.policy)
            self.report.endpoints_failing.append(row["endpoint_id"])
        await claims.mark(ctx.db, row["id"], self.owner, status=status, attempts=attempts, code=code, kind=kind,
                          error=error or None, retry_at=retry_at, now=ctx.now())
        return kind is None

    async def run(self) -> None:
        endpoints = await circuit.ready(self.ctx.db, self.ctx.now())
        limiter = anyio.CapacityLimiter(AT_ONCE)

        async def one(endpoint: Row) -> None:
            async with limiter:
                await self.endpoint(endpoint)

        async with renewing(lambda: claims.renew(self.ctx.db, self.owner, self.ctx.now())):
            async with anyio.create_task_group() as tg:
                for endpoint in endpoints:
                    tg.start_soon(one, endpoint)
        await claims.release(self.ctx.db, self.owner)


@skill(name="webhooks_dispatch_events", title="Dispatch events to webhooks",
                                        examples=("push events to the integrations", "send pending webhook events"),
                                        synonyms=("push", "notify", "integrations"),
       transactional=False, open_world=True, timeout_s=120, instructions="""
       Queues new domain events for every matching endpoint, then POSTs due deliveries as JSON
       {id, event, payload, created_at}, signed the Standard Webhooks way (webhook-id,
       webhook-timestamp, webhook-signature: v1 HMAC-SHA256 with the endpoint's secret). Every process
       (serve, worker) runs it whenever deliveries are due; it keeps going for up to 45 s (setting
       run_budget_s). Each endpoint is served on its own, at the same time as the others, so a slow
       or failing receiver never delays a healthy one. Each delivery is claimed with a lease the run
       renews, so two runs never POST it twice and a crashed run's deliveries are taken over within
       15 s; it keeps its webhook-id on every retry, so a receiver can drop a resend. Failures are
       classified (auth_failed for 401, rate_limited or quota_hit for 429, http_5xx, timeout, network)
       and retried with backoff (1 min, doubling to 1 h) for 24 h (settings retry_base_s, retry_max_s,
       retry_budget_hours); nothing is dropped. A failing endpoint's circuit opens with the same
       backoff (webhooks_list_endpoints shows it) and one probe delivery closes it; the run itself
       succeeds whatever the receivers answered. A POST times out after 10 s (setting timeout_s); one
       that timed out is given longer next time (up to 30 s); a retried run claims smaller chunks.
       """)
async def dispatch(ctx: SkillContext, limit: Annotated[int, Field(ge=1)] | None = None) -> DispatchReport:
    """Send new and due events to the webhook endpoints that want them.

    Args:
        limit: At most this many deliveries in this run; default as many as are due within the run's time budget.
    """
    run = _Run(ctx, limit)
    run.report.queued = await _queue_new_events(ctx)
    await run.run()
    report = run.report
    report.endpoints_failing = sorted(set(report.endpoints_failing))
    # A receiver's failure is the receiver's (its circuit, its delivery's schedule), not this run's: nothing
    # due is neutral, and a run whose receivers all failed did its job too.
    failed = report.failed + report.retrying
    if not run.attempted:
        ctx.report(outcome="neutral")
    else:
        ctx.report(done=report.delivered, failed=failed, detail=f"{run.attempted} tried",
                   outcome="success" if not failed else "partial" if report.delivered else "neutral")
    return report
