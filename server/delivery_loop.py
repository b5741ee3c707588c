"""Delivery in every process: queued email and webhook deliveries go out as soon as they are due.

Each ``serve`` and ``worker`` process runs this loop beside its scheduler. Every ``IDLE_S`` (5 s) it
asks cheaply whether anything is due (an outbox row, a webhook delivery, a new event for an
endpoint) and runs the deliverers that have work, ``email_deliver_outbox`` and
``webhooks_dispatch_events``, through the executor (caller ``system``: a pause, the breaker and the
activity row apply as to any call), each in its own task, so a slow mail server never delays the
webhooks. A deliverer that found work runs again at once. Any number of processes deliver at the
same time: every row is claimed with a lease, so each message leaves once, and the rows of a
process killed mid-run are taken over by whichever process looks next once their 15 s lease lapses.

It is not a schedule or an automation: those run in one process at a time, behind a lease, a
minute apart, where a slow receiver would hold up every other job of the pass. Once a minute the
loop also runs the delivery watch, which tells a person what cannot leave (delivery_watch.py).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import anyio

from modules.email import smtp
from modules.webhooks import claims as webhook_claims
from server import delivery_watch
from server.tables import skill_state
from skills import ErrorKind, outbox
from skills.context import Database

if TYPE_CHECKING:
    from server.app import App
    from server.executor import CallResult

log = logging.getLogger(__name__)

IDLE_S = 5.0  # how often an idle process looks for due messages
WATCH_EVERY = timedelta(minutes=1)
QUIET = timedelta(minutes=1)  # a paused or circuit-broken deliverer is not asked again sooner
REFUSED = frozenset({ErrorKind.SKILL_PAUSED, ErrorKind.SKILL_DISABLED, ErrorKind.CIRCUIT_BROKEN})


async def _email_due(db: Database, now: datetime) -> bool:
    configured = smtp.configured(json.loads(await skill_state.module_settings(db, "email") or "{}"))
    return await outbox.due(db, now, ("email", "webhook") if configured else ("webhook",))


@dataclass(frozen=True, slots=True)
class Deliverer:
    skill: str
    module: str
    due: Callable[[Database, datetime], Awaitable[bool]]


DELIVERERS = (Deliverer("email_deliver_outbox", "email", _email_due),
              Deliverer("webhooks_dispatch_events", "webhooks", webhook_claims.has_work))


class DeliveryLoop:
    """The loop of one process; ``deliver`` is one pass (``worker --once`` and tests call it)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._quiet_until: dict[str, datetime] = {}
        self._watched: datetime | None = None

    async def deliver(self) -> list[CallResult]:
        """Run every deliverer with work now, at the same time; what each run answered."""
        modules = await skill_state.enabled_module_ids(self.app.store)
        now = self.app.clock.now()
        due = [d for d in DELIVERERS if d.module in modules and self._quiet_until.get(d.skill, now) <= now
               and await d.due(self.app.store, now)]
        results: list[CallResult] = []

        async def run(deliverer: Deliverer) -> None:
            result = await self.app.executor.call(deliverer.skill, {}, caller="system")
            if result.error_kind in REFUSED:  # a person paused it, or its breaker is open: not every 5 s
                self._quiet_until[deliverer.skill] = self.app.clock.now() + QUIET
            results.append(result)

        async with anyio.create_task_group() as tg:
            for deliverer in due:
                tg.start_soon(run, deliverer)
        return results

    async def watch(self) -> None:
        """The delivery watch, at most once a minute."""
        now = self.app.clock.now()
        if self._watched is None or now - self._watched >= WATCH_EVERY:
            self._watched = now
            await delivery_watch.check(self.app)

    async def run_forever(self) -> None:
        while True:
            busy = False
            try:
                results = await self.deliver()
                busy = any(r.ok and r.outcome in ("success", "partial") for r in results)
                await self.watch()
            except Exception:
                log.exception("a delivery pass failed; the next one in %.0f s", IDLE_S)
            if not busy:
                await anyio.sleep(IDLE_S)
