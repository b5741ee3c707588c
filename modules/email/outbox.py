"""Queueing, listing and retrying outbox messages (delivery lives in delivery.py)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from modules.email.model import OutboxPage, Queued, Requeued
from modules.email.templates import render
from skills import Filters, Preview, SkillContext, SkillFailed, consequence, fetch_page, skill
from skills.context import Database, Row
from skills.formats import EMAIL

COLUMNS = "id, channel, recipient, subject, purpose, status, attempts, last_error, error_kind, created_at, sent_at"


async def composed(ctx: SkillContext, template: str | None, values: dict[str, str] | None, subject: str | None,
                   body: str | None) -> tuple[str, str]:
    """The subject and body an email_send call sends: its template's, rendered, or its own."""
    if template:
        row = await ctx.db.fetchone("SELECT subject, body FROM email_templates WHERE name = ?", (template,))
        if row is None:
            raise SkillFailed(f"no template named {template!r}; email_list_templates shows the names")
        return render(row["subject"], values or {}), render(row["body"], values or {})
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
       examples=("send a message to a customer", "email someone", "write to the client"),
       synonyms=("message", "mail", "write to"),
       trust="notify", scope="both", preview=preview_send,
       instructions="""
       Queues one email in the outbox; the delivery automation sends it over SMTP within a minute
       (or run email_deliver_outbox). Give either a template name with `values` for its placeholders,
       or a subject and body. Nothing is sent twice: a delivered row is marked sent.
       """)
async def send(
    ctx: SkillContext,
    to: Annotated[str, Field(pattern=EMAIL)],
    template: str | None = None,
    values: dict[str, str] | None = None,
    subject: str | None = None,
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
    outbox_id = await ctx.enqueue_email(to, subject, body, purpose=f"email_send:{template or 'adhoc'}")
    return Queued(outbox_id=outbox_id, to=to, subject=subject)


@skill(title="List the outbox",
       examples=("what emails went out today", "show queued or failed mail"),
       synonyms=("sent", "queued", "mail", "messages"),
       read_only=True,
       instructions="""
       Every queued, sent and failed message (email, and webhook notifications), newest first.
       Failed rows keep their last error and its kind (auth_failed, network, rate_limited, ...).
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
    filters = Filters().add("status = ?", status).like(("purpose",), purpose)
    return await fetch_page(
        ctx.db, OutboxPage, select=COLUMNS, from_="outbox", filters=filters, order_by="id DESC", limit=limit,
        offset=offset)


async def failed_messages(db: Database, limit: int) -> list[Row]:
    """The newest failed messages (the supervisor's cockpit lists them beside a Retry button)."""
    return await db.fetchall(f"SELECT {COLUMNS} FROM outbox WHERE status = 'failed' ORDER BY id DESC LIMIT ?",
                             (limit,))


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
    sql, params = "SELECT id FROM outbox WHERE status = 'failed'", []
    if ids:
        sql += f" AND id IN ({','.join('?' * len(ids))})"
        params = ids
    rows = await ctx.db.fetchall(sql, params)
    if ids and len(rows) != len(set(ids)):
        missing = sorted(set(ids) - {r["id"] for r in rows})
        raise SkillFailed(f"not failed (or unknown): {missing}; only failed messages can be retried")
    for r in rows:
        await ctx.db.execute("UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = NULL "
                             "WHERE id = ?", (r["id"],))
    if not rows:
        ctx.set_outcome("no_effect")
    return Requeued(requeued=[r["id"] for r in rows])
