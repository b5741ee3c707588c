"""Delivering the outbox: email over SMTP, admin notifications as webhook POSTs.

A run claims due rows in chunks (an owner and a 15 s lease it renews while it runs:
skills/delivery.py), sends each chunk with no lock held, and marks each row sent, due again
later with its error, or failed. Each target goes its own way at the same time: the SMTP server
(one connection per chunk) and each notification webhook, so a slow or dead receiver holds up
only its own messages. Each row is marked in flight just before it is sent; a row taken over from
a dead deliverer while so marked is ``uncertain`` and resent with its one identity.

Failures belong to their message and their receiver, never to the run: a message that cannot be
built is dead-lettered alone (``failed``, error_kind ``validation``) and the rest go on; a refusal
or an outage is kept on each row with its error, retried with backoff (1 min, doubling to 1 h) for
24 h (skills.delivery), then ``failed`` until email_retry_failed. A run is recorded ok whatever
the receivers did (its report says what), so a dead mail server or a refused login never opens
the skill's breaker or pauses it, and mail queued after the fix goes out at once; the delivery
watch (server/delivery_watch.py) tells the administrator, health and the cockpit instead. With no
mail server configured, emails wait (``held``) and notification webhooks still go.
What a later attempt varies (self-repair): a run retried after its own timeout sends smaller
chunks over each SMTP connection (50, 25, 12); a server that stops answering ends the run's email.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated

import httpx
from pydantic import Field

from modules.email import mime, smtp
from modules.email.model import DeliveryReport
from skills import (
    HARD_GATES,
    RETRYABLE,
    ErrorKind,
    ExternalError,
    Row,
    SkillContext,
    classify_http_status,
    outbox,
    skill,
)
from skills.delivery import RetryPolicy, by_target, renewing

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
        # A refusal (401/403/429) may be fixed on the receiver's side: kept on its schedule.
        return exc.kind, exc.kind not in RETRYABLE and exc.kind not in HARD_GATES, exc.message
    kind, permanent = smtp.classify(exc)  # SMTP errors, translated here once
    return kind, permanent, f"{type(exc).__name__}: {exc}"


class _Run:
    """One delivery run: its owner, policy and report; which channels are still worth trying."""

    def __init__(self, ctx: SkillContext, policy: RetryPolicy, settings: smtp.SmtpSettings | None) -> None:
        self.ctx, self.policy, self.settings = ctx, policy, settings
        self.owner = outbox.new_owner()
        self.report = DeliveryReport(attempted=0, sent=0, failed=0, requeued=0, held=0, uncertain=0, errors=[])
        self.channels: tuple[str, ...] = ("email", "webhook") if settings else ("webhook",)

    async def chunk(self, rows: list[Row]) -> None:
        await by_target(rows, lambda r: "smtp" if r["channel"] == "email" else r["recipient"], self._target)

    async def _target(self, rows: list[Row]) -> None:
        if rows[0]["channel"] == "email":
            await self._emails(rows)
            return
        for row in rows:
            if not await self._attempt(row, partial(_webhook, self.ctx, row["recipient"], row["body"],
                                                    row["message_id"])):
                return  # this receiver failed: its other rows are released untried, due at once next run

    async def _emails(self, rows: list[Row]) -> None:
        assert self.settings is not None
        try:
            client = await smtp.connect(self.settings)
        except Exception as exc:  # connecting or logging in failed: so would every message of the chunk
            kind, permanent, message = _failure(exc)
            for row in rows:
                self.report.attempted += 1
                await self._fail(row, kind, permanent, message)
            self.channels = ("webhook",)
            return
        try:
            for row in rows:
                try:
                    email = mime.build(row, self.settings.sender, await outbox.attachments(self.ctx.db, row["id"]))
                except Exception as exc:  # this row can never be sent: dead-lettered alone, the rest go on
                    self.report.attempted += 1
                    await self._fail(row, ErrorKind.VALIDATION, True, f"cannot be built as an email: {exc}")
                    continue
                if not await self._attempt(row, partial(client.send_message, email)) and "email" not in self.channels:
                    return  # the connection broke: the rest are released untried at the end of the run
        finally:
            await smtp.close(client)

    async def _attempt(self, row: Row, send: Callable[[], Awaitable[object]]) -> bool:
        """One send and its mark; False when it failed."""
        self.report.attempted += 1
        self.report.uncertain += row["uncertain_at"] is not None and row["sending_since"] is not None
        await outbox.start(self.ctx.db, row["id"], self.owner, self.ctx.now())
        try:
            await send()
        except Exception as exc:
            kind, permanent, message = _failure(exc)
            await self._fail(row, kind, permanent, message)
            if row["channel"] == "email" and kind in CHANNEL_DOWN:
                self.channels = ("webhook",)
            return False
        await outbox.mark_sent(self.ctx.db, row["id"], self.ctx.now())
        self.report.sent += 1
        return True

    async def _fail(self, row: Row, kind: ErrorKind, permanent: bool, message: str) -> None:
        attempts = row["attempts"] + 1
        retry_at = None if permanent else self.policy.next_attempt(attempts, row["created_at"], self.ctx.now())
        await outbox.mark_failed(self.ctx.db, row["id"], self.owner, attempts=attempts, error=message,
                                 kind=str(kind), retry_at=retry_at)
        self.report.failed += retry_at is None
        self.report.requeued += retry_at is not None
        self.report.errors.append(f"#{row['id']} {kind}: {message[:120]}")

    async def run(self, limit: int | None, ids: tuple[int, ...] = ()) -> None:
        deadline = self.policy.run_deadline()
        async with renewing(lambda: outbox.renew(self.ctx.db, self.owner, self.ctx.now())):
            while limit is None or self.report.attempted < limit:
                chunk = max(1, CHUNK >> self.ctx.retry)  # retried after running out of time: smaller chunks
                size = chunk if limit is None else min(chunk, limit - self.report.attempted)
                rows = await outbox.claim(self.ctx.db, self.owner, self.ctx.now(), size, channels=self.channels,
                                          ids=ids)
                if not rows:
                    break
                await self.chunk(rows)
                if time.monotonic() >= deadline:
                    break
        await outbox.release(self.ctx.db, self.owner)  # claimed, not tried (a receiver went away): due at once


def summarize(ctx: SkillContext, report: DeliveryReport) -> None:
    """What the run reports: what left and what did not, never the receivers' failures as its own."""
    if not report.attempted:
        ctx.report(outcome="neutral")  # nothing was sent or tried: says nothing about anyone
        return
    failed = report.failed + report.requeued
    ctx.report(done=report.sent, failed=failed, detail=report.errors[0] if report.errors else "",
               outcome="success" if not failed else "partial" if report.sent else "neutral")


@skill(title="Deliver the outbox",
       examples=("send the queued emails now", "flush the outbox"),
       synonyms=("flush", "queued", "mail"),
       transactional=False,
       open_world=True, timeout_s=120, instructions="""
       Sends due outbox messages: emails over the configured SMTP server (one connection per chunk of
       50), notification webhooks over HTTP, each receiver on its own so a slow one delays no other.
       Every process (serve, worker) runs it whenever messages are due; it keeps claiming for up to
       45 s (setting run_budget_s). Each row is claimed with a lease the run renews, so two runs never
       send the same message and a crashed run's messages are taken over within 15 s; every message
       keeps one Message-ID (or webhook-id) across retries. Failures stay on their message with their
       error (auth_failed, network, timeout, rate_limited for temporary SMTP refusals, http_4xx for
       permanent ones, validation for a message that cannot be built) and are retried with backoff
       (1 min, doubling to 1 h) for 24 h (settings retry_base_s, retry_max_s, retry_budget_hours); then
       they are `failed` and email_retry_failed queues them again. The run itself succeeds whatever the
       receivers answered; `held` counts emails waiting because no mail server is configured.
       """)
async def deliver_outbox(ctx: SkillContext, limit: Annotated[int, Field(ge=1)] | None = None) -> DeliveryReport:
    """Send due outbox messages now (SMTP for email, HTTP for webhooks).

    Args:
        limit: At most this many messages in this run; default as many as are due within the run's time budget.
    """
    settings = smtp.settings_from(ctx.settings) if smtp.configured(ctx.settings) else None
    run = _Run(ctx, RetryPolicy.from_settings(ctx.settings), settings)
    await run.run(limit)
    if settings is None and await outbox.due(ctx.db, ctx.now(), ("email",)):
        run.report.held = (await outbox.waiting(ctx.db))["emails"]
        ctx.notes.append(f"{run.report.held} email(s) not sent: {smtp.NOT_CONFIGURED}")
    summarize(ctx, run.report)
    return run.report


async def deliver_now(ctx: SkillContext, ids: tuple[int, ...]) -> DeliveryReport:
    """Send these outbox rows now, if due (the test email): the same claims and marks as a run."""
    run = _Run(ctx, RetryPolicy.from_settings(ctx.settings), smtp.settings_from(ctx.settings))
    await run.run(len(ids), ids)
    return run.report

