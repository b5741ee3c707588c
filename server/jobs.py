"""What each platform schedule runs. Every action returns a short status for ``schedules.last_status``.

The composition root hands ``platform_actions()`` to the scheduler, which only knows them by
schedule name, with the agent's on/off gate on the agent's schedules (``schedules.AGENT_SCHEDULES``).
The dispatcher runs whatever the agent's state: platform automations always, the agent's
(executor ``pilot``) only while ``agent_on`` says so. The agent's and health's code is imported
when a job first runs, not at start-up: a ``serve`` answers its first tools/list before any of it
is needed.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from server.scheduler.automations import dispatch

if TYPE_CHECKING:
    from server.app import App
    from server.scheduler.service import Action, Gate, Scheduler

log = logging.getLogger(__name__)

# Long-running actions get their own task in the service so the minutely dispatcher never waits on them.
LONG_RUNNING = frozenset({"heartbeat"})


def platform_actions(agent_on: Gate, *, reasoner: Any = None) -> dict[str, Action]:
    """Every platform schedule's action. ``agent_on``: whether the agent's automations may run now;
    ``reasoner``: the heartbeat's reasoning step (None: the real loop)."""

    async def heartbeat(app: App, scheduler: Scheduler) -> str:
        from server.agent.heartbeat import run_cycle

        record = await run_cycle(app, rng=scheduler.rng, holder=scheduler.holder, reasoner=reasoner)
        return f"{record.status}: {record.reason}" if record.reason else record.status

    async def automation_dispatcher(app: App, scheduler: Scheduler) -> str:
        report = await dispatch(app, agent_on=await agent_on(), window=timedelta(seconds=scheduler.window_s))
        return f"ok: {report.summary()}"

    async def approvals(app: App, scheduler: Scheduler) -> str:
        """The follow-through no heartbeat does: an approved request runs once, as whoever asked (all of
        them with the agent off; with it on, the agent's own wait for its heartbeat), and requests nobody
        decided within their 48 h expire; the administrator hears which."""
        from server.agent.approved_actions import execute_approved

        expired = await expire_undecided(app)
        ran = await execute_approved(app, agents_too=not await agent_on())
        return f"ok: {len(ran)} run, {expired} expired"

    return {
        "heartbeat": heartbeat,
        "automation_dispatcher": automation_dispatcher,
        "learn": learn,
        "health_self_check": health_self_check,
        "shadow_digest": shadow_digest,
        "retention": retention,
        "approvals": approvals,
    }


async def learn(app: App, scheduler: Scheduler) -> str:
    from server.agent.learn import summarize_day

    return f"ok: {await summarize_day(app)}"


async def health_self_check(app: App, scheduler: Scheduler) -> str:
    from server.health.selfcheck import run_self_check

    result = await run_self_check(app)
    return f"ok: {result.status}"


async def shadow_digest(app: App, scheduler: Scheduler) -> str:
    from server.trust.digest import send

    return await send(app)


async def retention(app: App, scheduler: Scheduler) -> str:
    from server.retention import apply

    return f"ok: {(await apply(app.store, app.clock.now())).summary()}"


async def expire_undecided(app: App) -> int:
    """Requests nobody decided within their 48 h become ``expired``; the administrator hears which."""
    from server.agent.approved_actions import expire
    from server.notify import notify_admin

    expired = await expire(app)
    if expired:
        which = ", ".join(f"#{s.approval_id} {s.skill}" for s in expired[:10]) + (" ..." if len(expired) > 10 else "")
        async with app.store.transaction() as tx:
            await notify_admin(tx, kind="approval_expired", title=f"{len(expired)} request(s) expired undecided",
                               body=f"Nobody decided {which} in time; they will not run. Whoever asked will ask "
                                    "again if the action is still needed.", now=app.clock.now())
    return len(expired)
