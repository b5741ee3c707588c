"""Admin notifications: a row people can list, plus delivery through the outbox.

The row is read with ``pilothouse notifications list`` or the ``ops_list_notifications`` tool,
agent or not. Channels come from the environment: ``PILOTHOUSE_ADMIN_EMAIL`` queues an email,
``PILOTHOUSE_ADMIN_WEBHOOK`` queues a webhook POST. Both go through the outbox (``outbox.enqueue``,
the typed messages API), which the delivery loop of every ``serve`` and ``worker`` sends within
seconds, whether or not the agent is on. A failed delivery is kept with its error and retried;
nothing is lost. A mistyped admin address is logged and the notification row is kept.

A notification with a ``key`` (the skill it is about) coalesces: within an hour of the first
unread one of the same kind and key, a repeat only counts (``repeats``, ``last_at``) and sends
nothing, so a burst of failures tells the admin once, with how many, and triggers no more mail.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime, timedelta

from server import settings
from server.tables import notifications
from skills import outbox
from skills.context import Database
from skills.messages import Email, InvalidMessage, Webhook

log = logging.getLogger(__name__)

COALESCE_WINDOW = timedelta(hours=1)


async def notify_admin(tx: Database, *, kind: str, title: str, body: str, now: datetime, key: str | None = None) -> int:
    now_iso = now.isoformat(timespec="seconds")
    if key is not None:
        since = (now - COALESCE_WINDOW).isoformat(timespec="seconds")
        repeated = await notifications.coalesce(tx, kind=kind, key=key, since=since, now=now_iso)
        if repeated is not None:
            return repeated
    notification_id = await notifications.add(tx, kind=kind, title=title, body=body, created_at=now_iso, key=key)
    title = re.sub(r"\s+", " ", title).strip()  # a header: whatever a title quotes stays on one line
    purpose = f"notification:{kind}"
    channels = settings.load()
    email, webhook = channels.admin_email, channels.admin_webhook
    try:  # the notification row is kept whatever happens to its delivery
        if email:
            await outbox.enqueue(tx, Email(to=email, subject=f"[Pilothouse] {title}", text=body, purpose=purpose),
                                 now=now_iso)
        if webhook:
            payload = {"kind": kind, "title": title, "body": body, "at": now_iso}
            await outbox.enqueue(tx, Webhook(url=webhook, payload=payload, title=title, purpose=purpose), now=now_iso)
    except InvalidMessage as exc:  # a mistyped PILOTHOUSE_ADMIN_EMAIL: said in the log, never a lost notification
        log.warning("admin notification #%s is kept but cannot be delivered: %s (check PILOTHOUSE_ADMIN_EMAIL and "
                    "PILOTHOUSE_ADMIN_WEBHOOK)", notification_id, exc.message)
    return notification_id


async def approval_requested(tx: Database, *, approval_id: int, skill: str, preview: str, who: str,
                             expires_at: str, now: datetime, outside: str | None = None) -> int:
    """Tell the administrator a request waits for them, what approving it does (its preview, in words),
    and how to decide it (``outside``: the JSON of what the asking run had read that was written outside
    the business, quoted as such)."""
    read = [f"Read before it, written OUTSIDE the business ({r['skill']} {r['field']}): {r['text'][:300]}"
            for r in json.loads(outside or "[]")]
    return await notify_admin(
        tx, kind="approval_requested", title=f"{who} asks to run {skill}",
        body="\n".join([f"Approval #{approval_id} ({skill}) would do this:\n{preview}\n", *read,
                        f"Approve: pilothouse approvals approve {approval_id}  (or Approve in the cockpit, /cockpit)",
                        f"Reject:  pilothouse approvals reject {approval_id} --reason '...'",
                        f"Expires at {expires_at} UTC. An approved action runs on the next heartbeat."]),
        now=now)
