"""Queueing, listing and retrying outbox messages (delivery lives in delivery.py, the table's
statements in skills/outbox.py)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from modules.email.model import OutboxPage, Queued, Requeued
from modules.email.templates import render_named
from skills import Preview, SkillContext, SkillFailed, consequence, outbox, skill
from skills.context import Database, Row
from skills.effects import effect
from skills.formats import EMAIL, ONE_LINE
from skills.messages import Email


async def composed(ctx: SkillContext, template: str | None, values: dict[str, str] | None, subject: str | None,
                   body: str | None) -> tuple[str, str]:
    """The subject and body an email_send call sends: its template's, rendered, or its own."""
    if template:
        return await render_named(ctx.db, template, values or {})
    if not (subject and body):
        raise SkillFailed("give a template name, or both subject and body")
    return subject, body


async def preview_send(ctx: SkillContext, to: str, template: str | None, values: dict[str, str] | None,
                       subject: str | None, body: str | None) -> Preview:
    subject, body = await composed(ctx, template, values, subject, body)
    first = " ".join(body.split())
    return Preview(summary=f"Email {to}: \"{subject}\"" + (f" (template {template})" if template else ""),
                   lines=[consequence(first if len(first) <= 200 else first[:199] + "…")])


@skill(title="Send an email",
       effects=(effect("message", recipient="to"),),
       examples=("send a message to a customer", "email someone", "write to the client"),
       synonyms=("message", "mail", "write to"),
       trust="notify", scope="both", preview=preview_send,
       instructions="""
       Queues one email in the outbox; delivery sends it over SMTP within seconds (or run
       email_deliver_outbox). Give either a template name with `values` for its placeholders, or a
       subject and body. The template is filled here: a missing value, or a value that would put a line
       break into the subject, fails this call and queues nothing. `status` says when mail cannot
       leave now (no mail server configured, the server refusing) and what to do. Nothing is sent
       twice: a delivered row is marked sent.
       """)
async def send(
    ctx: SkillContext,
    to: Annotated[str, Field(pattern=EMAIL)],
    template: str | None = None,
    values: dict[str, str] | None = None,
    subject: Annotated[str, Field(pattern=ONE_LINE, max_length=998)] | None = None,
    body: str | None = None,
) -> Queued:
    """Queue an email to one recipient, from a template or a subject and body.

    Args:
        to: Recipient address.
        template: Name of a saved template (see email_list_templates).
        values: Placeholder values for the template, e.g. {"first_name": "Ada"}.
        subject: Subject, when not using a template.
        body: Plain-text body, when not using a template.
    """
    subject, body = await composed(ctx, template, values, subject, body)
    queued = await ctx.send(Email(to=to, subject=subject, text=body, purpose=f"email_send:{template or 'adhoc'}"))
    return Queued(outbox_id=queued.outbox_id, to=to, subject=subject,
                  status=f"queued, not sent: {queued.held}" if queued.held else "queued")


@skill(title="List the outbox",
       examples=("what emails went out today", "show queued or failed mail"),
       synonyms=("sent", "queued", "mail", "messages"),
       read_only=True,
       instructions="""
       Every queued, sent and failed message (email, and webhook notifications), newest first.
       Failed rows (dead letters) keep their last error and its kind (auth_failed, network,
       rate_limited, validation for one that cannot be built, ...); `uncertain_at` marks a message
       whose deliverer died while sending it, resent with its same Message-ID.
       """)
async def list_outbox(
    ctx: SkillContext,
    status: Literal["pending", "sending", "sent", "failed"] | None = None,
    purpose: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> OutboxPage:
    """List outbox messages by status or purpose.

    Args:
        status: Only messages in this state.
        purpose: Text to match in the purpose, e.g. invoice or notification.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    return await outbox.listing(ctx.db, OutboxPage, status=status, purpose=purpose, limit=limit, offset=offset)


async def failed_messages(db: Database, limit: int) -> list[Row]:
    """The newest dead letters (the supervisor's cockpit lists them beside a Retry button)."""
    return await outbox.failed(db, limit)


@skill(title="Retry failed messages",
       examples=("send the bounced mails again", "retry failed emails"),
       synonyms=("bounced", "resend", "failed", "again"),
       idempotent=True,
       instructions="Puts failed outbox messages (all, or the given ids) back in the queue with a fresh attempt "
                    "count; they go out on the next delivery run.")
async def retry_failed(ctx: SkillContext, ids: list[int] | None = None) -> Requeued:
    """Queue failed outbox messages again.

    Args:
        ids: Only these outbox ids; default every failed message.
    """
    requeued, missing = await outbox.requeue(ctx.db, ids)
    if missing:  # the transaction rolls the others back: nothing is half done
        raise SkillFailed(f"not failed (or unknown): {missing}; only failed messages can be retried")
    if not requeued:
        ctx.set_outcome("no_effect")
    return Requeued(requeued=requeued)
