"""Delivering the outbox: email over SMTP, admin notifications as webhook POSTs.

Each run claims due rows in chunks (owner + claim expiry, see claims.py), sends a chunk over one
SMTP connection with no lock held, marks each row sent or puts it back with its error and the
time of its next attempt, and claims the next chunk while rows are due and its time budget lasts.
Nothing is ever dropped: a message is retried with backoff for 24 h (skills.delivery), then it
is ``failed`` until email_retry_failed queues it again. Every email keeps one Message-ID and every
notification webhook one ``webhook-id`` across retries, so a resend after a crash is recognisable.

A run reports what it did (``ctx.report``): sent and failed messages, and how the other side
refused. One that sent nothing fails as that refusal (an SMTP auth refusal, a 401/403/429 from a
notification webhook is a hard gate: three such runs in a row pause the skill), so the breaker,
escalation and health see a dead SMTP server or a bad password. The executor does not retry it on
the spot: each message carries its own schedule, and an immediate resend would only spend attempts.
What a later attempt varies (self-repair): a run retried after its own timeout (``ctx.retry``)
sends smaller chunks over each SMTP connection (50, 25, 12); a server that stops answering ends
the run, and its unsent rows are released untried. Nothing sent is sent again: each row is
claimed, then marked sent.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated

import httpx
from pydantic import Field

from modules.email import claims, smtp
from modules.email.model import DeliveryReport
from skills import HARD_GATES, RETRYABLE, ErrorKind, ExternalError, Row, SkillContext, classify_http_status, skill
from skills.delivery import RetryPolicy

CHUNK = 50
# Failures of the connection itself: the rest of the chunk and the run would fail the same way.
CHANNEL_DOWN = frozenset({ErrorKind.NETWORK, ErrorKind.TIMEOUT, ErrorKind.AUTH_FAILED})


async def _webhook(ctx: SkillContext, url: str, body: str, message_id: str) -> None:
    headers = {"Content-Type": "application/json", "webhook-id": message_id}
    try:
        response = await ctx.http.post(url, content=body, headers=headers, timeout=10)
    except httpx.TimeoutException as exc:
        raise ExternalError(f"webhook timed out: {exc}", kind=ErrorKind.TIMEOUT) from exc
    except httpx.TransportError as exc:
        raise ExternalError(f"webhook unreachable: {exc}", kind=ErrorKind.NETWORK) from exc
    if response.status_code >= 400:
        kind = classify_http_status(response.status_code, response.text)
        raise ExternalError(f"webhook answered {response.status_code}", kind=kind, status=response.status_code)


def _failure(exc: Exception) -> tuple[ErrorKind, bool, str]:
    """(kind, permanent, message) of one failed send."""
    if isinstance(exc, ExternalError):
        return exc.kind, exc.kind not in RETRYABLE and exc.kind not in HARD_GATES, exc.message
    kind, permanent = smtp.classify(exc)  # SMTP errors, translated here once
    return kind, permanent, f"{type(exc).__name__}: {exc}"


class _Run:
    """One delivery run: its owner id, policy and report, and the failures it saw."""

    def __init__(self, ctx: SkillContext, policy: RetryPolicy, settings: smtp.SmtpSettings | None) -> None:
        self.ctx, self.policy, self.settings = ctx, policy, settings
        self.owner = claims.new_owner()
        self.report = DeliveryReport(attempted=0, sent=0, failed=0, requeued=0, errors=[])
        self.kinds: list[ErrorKind] = []
        self.stopped = False  # the SMTP server is unreachable for this run: claim nothing more

    async def chunk(self, rows: list[Row]) -> None:
        for row in rows:
            if row["channel"] == "webhook":
                await self._attempt(row, partial(_webhook, self.ctx, row["recipient"], row["body"], row["message_id"]))
        emails = [r for r in rows if r["channel"] == "email"]
        if emails:
            await self._emails(emails)

    async def _emails(self, rows: list[Row]) -> None:
        settings = self.settings or smtp.settings_from(self.ctx.settings)
        try:
            client = await smtp.connect(settings)
        except Exception as exc:  # connecting or logging in failed: so did every message of the chunk
            kind, permanent, message = _failure(exc)
            for row in rows:
                self.report.attempted += 1
                await self._fail(row, kind, permanent, message)
            self.stopped = True
            return
        try:
            for row in rows:
                email = smtp.message_for(settings, row["recipient"], row["subject"], row["body"], row["message_id"],
                                         html=row["html"], sender_name=row["sender_name"], reply_to=row["reply_to"],
                                         attachments=await claims.attachments(self.ctx.db, row["id"]))
                if not await self._attempt(row, partial(client.send_message, email)) and self.stopped:
                    return  # the connection broke: the rest are released untried at the end of the run
        finally:
            await smtp.close(client)

    async def _attempt(self, row: Row, send: Callable[[], Awaitable[object]]) -> bool:
        """One send and its mark; False when it failed."""
        self.report.attempted += 1
        try:
            await send()
        except Exception as exc:
            kind, permanent, message = _failure(exc)
            await self._fail(row, kind, permanent, message)
            self.stopped = self.stopped or (row["channel"] == "email" and kind in CHANNEL_DOWN)
            return False
        await claims.mark_sent(self.ctx.db, row["id"], self.ctx.now())
        self.report.sent += 1
        return True

    async def _fail(self, row: Row, kind: ErrorKind, permanent: bool, message: str) -> None:
        attempts = row["attempts"] + 1
        retry_at = None if permanent else self.policy.next_attempt(attempts, row["created_at"], self.ctx.now())
        await claims.mark_failed(self.ctx.db, row["id"], self.owner, attempts=attempts, error=message,
                                 kind=str(kind), retry_at=retry_at)
        self.report.failed += retry_at is None
        self.report.requeued += retry_at is not None
        self.report.errors.append(f"#{row['id']} {kind}: {message[:120]}")
        self.kinds.append(kind)


@skill(title="Deliver the outbox",
       examples=("send the queued emails now", "flush the outbox"),
       synonyms=("flush", "queued", "mail"),
       transactional=False,
       open_world=True, timeout_s=120, instructions="""
       Sends due outbox messages: emails over the configured SMTP server (one connection per chunk of
       50), notification webhooks over HTTP. Runs every minute as an automation and keeps claiming
       due messages for up to 45 s (setting run_budget_s). Each row is claimed before it is sent, so
       two runs never send the same message; every email keeps one Message-ID across retries.
       Failures stay in the outbox with their error (auth_failed, network, timeout, rate_limited for
       temporary SMTP refusals, http_4xx for permanent ones) and are retried with backoff (1 min,
       doubling to 1 h) for 24 h (settings retry_base_s, retry_max_s, retry_budget_hours); then they
       are `failed` and email_retry_failed queues them again.
       """)
async def deliver_outbox(ctx: SkillContext, limit: Annotated[int, Field(ge=1)] | None = None) -> DeliveryReport:
    """Send due outbox messages now (SMTP for email, HTTP for webhooks).

    Args:
        limit: At most this many messages in this run; default as many as are due within the run's time budget.
    """
    # Missing SMTP settings fail the run up front, with what to configure, before anything is claimed.
    settings = smtp.settings_from(ctx.settings) if await claims.has_due_email(ctx.db, ctx.now()) else None
    policy = RetryPolicy.from_settings(ctx.settings)
    run = _Run(ctx, policy, settings)
    domain = settings.sender.rpartition("@")[2] if settings else "localhost"
    deadline = policy.run_deadline()
    while not run.stopped and (limit is None or run.report.attempted < limit):
        chunk = max(1, CHUNK >> ctx.retry)  # retried after running out of time: smaller chunks
        size = chunk if limit is None else min(chunk, limit - run.report.attempted)
        rows = await claims.claim(ctx.db, run.owner, ctx.now(), size, domain=domain)
        if not rows:
            break
        await run.chunk(rows)
        if time.monotonic() >= deadline:
            break
    await claims.release(ctx.db, run.owner)  # claimed, not tried (the server went away): due again at once
    report = run.report
    refusal = next((k for k in run.kinds if k in HARD_GATES), run.kinds[0] if run.kinds else None)
    if not report.attempted:  # nothing was due: says nothing about the server, ends no failure streak
        ctx.report(outcome="neutral")
    else:
        ctx.report(done=report.sent, failed=report.failed + report.requeued, failure=refusal,
                   detail=report.errors[0] if report.errors else "")
    return report
