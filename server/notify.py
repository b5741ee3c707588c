"""Admin notifications: a row people can list, plus delivery through the outbox.

The row is read with ``pilothouse notifications list`` or the ``ops_list_notifications`` tool,
agent or not. Channels come from the environment: ``PILOTHOUSE_ADMIN_EMAIL`` queues an email,
``PILOTHOUSE_ADMIN_WEBHOOK`` queues a webhook POST. Both go through the outbox, which the email
module's "Deliver the outbox" automation sends every minute: a platform automation, so it runs
under ``serve`` or ``worker`` whether or not the agent is on. A failed delivery is kept with its
error and retried; nothing is lost.

A notification with a ``key`` (the skill it is about) coalesces: within an hour of the first
unread one of the same kind and key, a repeat only counts (``repeats``, ``last_at``) and sends
nothing, so a burst of failures tells the admin once, with how many, and triggers no more mail.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from server.store import dumps
from server.tables import notifications
from skills.context import Database

COALESCE_WINDOW = timedelta(hours=1)


async def notify_admin(tx: Database, *, kind: str, title: str, body: str, now: datetime, key: str | None = None) -> int:
    now_iso = now.isoformat(timespec="seconds")
    if key is not None:
        since = (now - COALESCE_WINDOW).isoformat(timespec="seconds")
        repeated = await notifications.coalesce(tx, kind=kind, key=key, since=since, now=now_iso)
        if repeated is not None:
            return repeated
    notification_id = await notifications.add(tx, kind=kind, title=title, body=body, created_at=now_iso, key=key)
    email = os.environ.get("PILOTHOUSE_ADMIN_EMAIL")
    if email:
        await tx.execute(
            "INSERT INTO outbox (channel, recipient, subject, body, purpose, created_at) "
            "VALUES ('email', ?, ?, ?, ?, ?)",
            (email, f"[Pilothouse] {title}", body, f"notification:{kind}", now_iso),
        )
    webhook = os.environ.get("PILOTHOUSE_ADMIN_WEBHOOK")
    if webhook:
        await tx.execute(
            "INSERT INTO outbox (channel, recipient, subject, body, purpose, created_at) "
            "VALUES ('webhook', ?, ?, ?, ?, ?)",
            (webhook, title, dumps({"kind": kind, "title": title, "body": body, "at": now_iso}),
             f"notification:{kind}", now_iso),
        )
    return notification_id


async def approval_requested(tx: Database, *, approval_id: int, skill: str, preview: str, who: str,
                             expires_at: str, now: datetime) -> int:
    """Tell the administrator a request waits for them, what approving it does (its preview, in words),
    and how to decide it."""
    return await notify_admin(
        tx, kind="approval_requested", title=f"{who} asks to run {skill}",
        body=(f"Approval #{approval_id} ({skill}) would do this:\n{preview}\n\n"
              f"Approve: pilothouse approvals approve {approval_id}  (or Approve in the cockpit, /cockpit)\n"
              f"Reject:  pilothouse approvals reject {approval_id} --reason '...'\n"
              f"Expires at {expires_at} UTC. An approved action runs on the next heartbeat."),
        now=now)
