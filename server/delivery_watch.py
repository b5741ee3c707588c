"""Nothing goes quiet: what cannot leave is told to a person once, and shows in health and the cockpit.

The problems it knows, each with what is known and what to do:

- ``mail_blocked``      emails wait and nothing can send them: no mail server configured, or the
                        email module is off;
- ``mail_failing``      emails wait because the mail server failed (down, or refusing our login);
- ``delivery_failed``   dead letters: messages or webhook deliveries failed for good;
- ``webhook_failing``   an endpoint's circuit is open (its receiver times out, fails or refuses);
- ``delivery_uncertain`` a deliverer died while sending: the message was resent with its identity,
                        so the receiver may hold a copy it can drop by that id;
- ``approval_uncertain`` an approved action's process died mid-run: a person says whether it happened
                        (server/agent/approved_actions.py names it; it waits for them here).

Each is a health finding (degraded) and a cockpit row while it lasts, and one admin notification
per episode: its key names the episode (the oldest waiting email, the newest dead letter, when the
endpoint started failing), and a notification already made for it is never made again, read or
not. The delivery loop runs the check once a minute in every process; the notification key makes
two processes' checks one notification.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from server.health.checks import Finding
from server.notify import notify_admin
from server.outbound import MailReadiness
from server.tables import approvals, notifications, skill_state
from skills import outbox

if TYPE_CHECKING:
    from server.app import App

RECENT = timedelta(days=1)  # how far back a resend after a crash is still news


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str
    key: str  # the episode: one notification each
    title: str
    body: str  # what is known, and what to do
    lasting: bool = True  # a health finding while it lasts (False: news, told once)


async def problems(app: App) -> list[Problem]:
    """Everything that keeps a message from leaving now, or happened to one lately."""
    store, now = app.store, app.clock.now()
    modules = await skill_state.enabled_module_ids(store)
    found: list[Problem] = []
    waiting = await outbox.waiting(store)
    if waiting["emails"]:
        held = await MailReadiness().blocked(store)
        trouble = None if held else await outbox.email_trouble(store)
        if held:
            found.append(Problem("mail_blocked", f"blocked:{waiting['first_email']}",
                                 f"{waiting['emails']} email(s) cannot be sent", f"Queued mail waits: {held}."))
        elif trouble is not None:
            found.append(Problem(
                "mail_failing", f"failing:{trouble['id']}", f"Mail delivery is failing ({trouble['error_kind']})",
                f"{waiting['emails']} email(s) wait: the mail server answered {trouble['error_kind']}: "
                f"{trouble['last_error']}. They are retried with backoff (next at {trouble['next_attempt_at']} UTC) "
                "for 24 h. Check the server and its settings with `pilothouse email test you@example.com`."))
    if waiting["failed"]:
        found.append(Problem(
            "delivery_failed", f"outbox:{waiting['last_failed']}", f"{waiting['failed']} message(s) failed for good",
            "Each keeps its reason (`pilothouse call email_list_outbox --args '{\"status\": \"failed\"}'`, or the "
            "cockpit). Fix the cause, then `pilothouse call email_retry_failed` (or Retry in the cockpit)."))
    since = (now - RECENT).isoformat(timespec="seconds")
    resent = await outbox.uncertain(store, since)
    if "webhooks" in modules:
        found += await _webhook_problems(app, since)
    found += [Problem("approval_uncertain", f"approval:{r['id']}",
                      f"Approved action {r['skill']} may or may not have run",
                      f"{json.loads(r['result'] or '{}').get('detail', '')}. Say what happened: pilothouse approvals "
                      f"resolve {r['id']} --happened, or --did-not-happen to run it again (once).")
              for r in await approvals.uncertain(store)]
    if resent:
        ids = ", ".join(f"#{r['id']}" for r in resent[:10])
        found.append(Problem(
            "delivery_uncertain", f"outbox-uncertain:{resent[-1]['id']}",
            f"{len(resent)} message(s) may have been delivered twice",
            f"A deliverer stopped while sending {ids}: whether the receiver got them is unknown, so each was sent "
            "again with its same Message-ID or webhook-id, by which the receiver can drop a copy.",
            lasting=any(r["status"] != "sent" for r in resent)))
    return found


async def _webhook_problems(app: App, since: str) -> list[Problem]:
    from modules.webhooks import circuit, deliveries

    found = [Problem("webhook_failing", f"endpoint:{e['id']}:{e['failing_since']}",
                     f"Webhook endpoint #{e['id']} is failing",
                     f"{e['url']} failed {e['failures']} times in a row (last: {e['last_error_kind']}: "
                     f"{e['last_error']}); its deliveries wait, tried again from {e['open_until']} UTC with backoff. "
                     "Other endpoints are not affected. After fixing the receiver: "
                     f"`pilothouse call webhooks_set_endpoint_enabled --args '{{\"endpoint_id\": {e['id']}, "
                     "\"enabled\": true}'` sends its queue at once.")
             for e in await circuit.failing(app.store)]
    dead = await deliveries.dead_letters(app.store)
    if dead["failed"]:
        found.append(Problem(
            "delivery_failed", f"webhooks:{dead['last_failed']}",
            f"{dead['failed']} webhook delivery(ies) failed for good",
            "See `pilothouse call webhooks_list_deliveries --args '{\"status\": \"failed\"}'`; after fixing the "
            "receiver, webhooks_redeliver (or Retry in the cockpit) sends one again with its same webhook-id."))
    resent = await deliveries.uncertain(app.store, since)
    if resent:
        found.append(Problem(
            "delivery_uncertain", f"webhooks-uncertain:{resent[-1]['id']}",
            f"{len(resent)} webhook delivery(ies) may have arrived twice",
            "A dispatcher stopped mid-POST: each was sent again with its same webhook-id, by which the receiver "
            "can drop a copy.", lasting=any(r["status"] == "pending" for r in resent)))
    return found


async def check(app: App) -> int:
    """Tell the administrator about each problem not told yet; how many notifications were made."""
    made = 0
    for problem in await problems(app):
        if await notifications.exists(app.store, kind=problem.kind, key=problem.key):
            continue
        async with app.store.transaction() as tx:
            await notify_admin(tx, kind=problem.kind, key=problem.key, title=problem.title, body=problem.body,
                               now=app.clock.now())
        made += 1
    return made



async def findings(app: App) -> list[Finding]:
    """The problems that last, as health findings (each one degrades the instance)."""
    return [Finding(p.kind, f"{p.title}: {p.body}") for p in await problems(app) if p.lasting]
