"""Delivering the outbox: email over SMTP, admin notifications as webhook POSTs.

Rows are claimed in a short transaction (pending -> sending), delivered with no lock held,
then marked sent, or put back as pending with the error and its kind, or failed after
MAX_ATTEMPTS or a permanent error. Nothing is ever dropped; failed rows can be retried.
If every attempted row failed with a retryable kind, the skill raises, so the executor's
retry, breaker and escalation layers see a dead SMTP server or a bad password.
"""

from __future__ import annotations

from typing import Annotated

import httpx
from pydantic import Field

from modules.email import smtp
from modules.email.model import DeliveryReport
from skills import RETRYABLE, ErrorKind, ExternalError, Row, SkillContext, classify_http_status, skill

MAX_ATTEMPTS = 5


async def _claim(ctx: SkillContext, limit: int) -> list[Row]:
    async with ctx.db.transaction() as tx:
        # A row left 'sending' by a crashed run is claimable again.
        rows = await tx.fetchall("SELECT id, channel, recipient, subject, body, attempts FROM outbox "
                                 "WHERE status IN ('pending', 'sending') ORDER BY id LIMIT ?", (limit,))
        for r in rows:
            await tx.execute("UPDATE outbox SET status = 'sending' WHERE id = ?", (r["id"],))
    return rows


async def _webhook(ctx: SkillContext, url: str, body: str) -> None:
    try:
        response = await ctx.http.post(url, content=body, headers={"Content-Type": "application/json"}, timeout=10)
    except httpx.TimeoutException as exc:
        raise ExternalError(f"webhook timed out: {exc}", kind=ErrorKind.TIMEOUT) from exc
    except httpx.TransportError as exc:
        raise ExternalError(f"webhook unreachable: {exc}", kind=ErrorKind.NETWORK) from exc
    if response.status_code >= 400:
        kind = classify_http_status(response.status_code, response.text)
        raise ExternalError(f"webhook answered {response.status_code}", kind=kind, status=response.status_code)


@skill(title="Deliver the outbox",
       examples=("send the queued emails now", "flush the outbox"),
       synonyms=("flush", "queued", "mail"),
       transactional=False,
       open_world=True, timeout_s=120, instructions="""
       Sends pending outbox messages: emails over the configured SMTP server, notification webhooks
       over HTTP. Runs every minute as an automation. Failures stay in the outbox with their error
       (auth_failed, network, timeout, rate_limited for temporary SMTP refusals, http_4xx for
       permanent ones) and are retried on the next run, up to 5 attempts; then they are `failed`
       and email_retry_failed queues them again.
       """)
async def deliver_outbox(ctx: SkillContext, limit: Annotated[int, Field(ge=1, le=500)] = 50) -> DeliveryReport:
    """Send pending outbox messages now (SMTP for email, HTTP for webhooks).

    Args:
        limit: At most this many messages in one run.
    """
    # Missing SMTP settings fail the run up front, with what to configure, before anything is claimed.
    has_email = await ctx.db.fetchone("SELECT 1 FROM outbox WHERE channel = 'email' AND status IN ('pending', "
                                      "'sending') LIMIT 1")
    settings = smtp.settings_from(ctx.settings) if has_email else None
    rows = await _claim(ctx, limit)
    report = DeliveryReport(attempted=len(rows), sent=0, failed=0, requeued=0, errors=[])
    kinds: list[ErrorKind] = []
    for row in rows:
        try:
            if row["channel"] == "email":
                await smtp.send_one(settings or smtp.settings_from(ctx.settings), row["recipient"], row["subject"],
                                    row["body"])
            else:
                await _webhook(ctx, row["recipient"], row["body"])
        except ExternalError as exc:
            kind, permanent = exc.kind, exc.kind not in RETRYABLE
            message = exc.message
        except Exception as exc:  # SMTP errors, translated here once
            kind, permanent = smtp.classify(exc)
            message = f"{type(exc).__name__}: {exc}"
        else:
            await ctx.db.execute("UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, "
                                 "last_error = NULL, error_kind = NULL WHERE id = ?", (ctx.now_iso(), row["id"]))
            report.sent += 1
            continue
        attempts = row["attempts"] + 1
        final = permanent or attempts >= MAX_ATTEMPTS
        await ctx.db.execute("UPDATE outbox SET status = ?, attempts = ?, last_error = ?, error_kind = ? WHERE id = ?",
                             ("failed" if final else "pending", attempts, message[:500], str(kind), row["id"]))
        report.failed += final
        report.requeued += not final
        report.errors.append(f"#{row['id']} {kind}: {message[:120]}")
        kinds.append(kind)
    if not rows:
        ctx.set_outcome("no_effect")
    elif report.sent == 0 and kinds and all(k in RETRYABLE or k == ErrorKind.AUTH_FAILED for k in kinds):
        # Nothing got through: tell the resilience layers (retry, breaker, auto-pause on auth).
        raise ExternalError(f"no message delivered: {report.errors[0]}", kind=kinds[0])
    return report
