"""What each platform schedule runs. Every action returns a short status for ``schedules.last_status``."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from server.scheduler.automations import dispatch

log = logging.getLogger(__name__)

Action = Callable[[Any, Any], Awaitable[str]]  # (app, scheduler) -> status


async def heartbeat(app: Any, scheduler: Any) -> str:
    from server.agent.heartbeat import run_cycle

    record = await run_cycle(app, rng=scheduler.rng, holder=scheduler.holder, reasoner=scheduler.reasoner)
    return f"{record.status}: {record.reason}" if record.reason else record.status


async def automation_dispatcher(app: Any, scheduler: Any) -> str:
    report = await dispatch(app, agent_on=True, window=timedelta(seconds=scheduler.window_s))
    return f"ok: {report.summary()}"


async def scheduled_publisher(app: Any, scheduler: Any) -> str:
    """Run every enabled ``*_publish_due`` skill (blog, and any module that schedules content)."""
    names = [r["name"] for r in await app.store.fetchall(
        "SELECT s.name FROM skills s JOIN modules m ON m.id = s.module_id "
        "WHERE s.enabled = 1 AND m.enabled = 1 AND s.name LIKE '%\\_publish\\_due' ESCAPE '\\' ORDER BY s.name")]
    if not names:
        return "ok: no publish-due skill enabled"
    results = [await app.executor.call(name, {}, caller="system") for name in names]
    failed = [f"{r.skill} {r.error_kind}" for r in results if not r.ok]
    done = ", ".join(f"{r.skill} {r.text[:80]}" for r in results if r.ok)
    return f"error: {'; '.join(failed)}" if failed else f"ok: {done}"


async def learn(app: Any, scheduler: Any) -> str:
    from server.agent.learn import summarize_day

    return f"ok: {await summarize_day(app)}"


async def health_self_check(app: Any, scheduler: Any) -> str:
    try:
        selfcheck = importlib.import_module("server.health.selfcheck")
    except ModuleNotFoundError:
        return "skipped: the health component is not installed"
    result = await selfcheck.run_self_check(app)
    status = getattr(result, "status", None) or (result.get("status") if isinstance(result, dict) else None)
    return f"ok: {status}" if status else "ok"


ACTIONS: dict[str, Action] = {
    "heartbeat": heartbeat,
    "automation_dispatcher": automation_dispatcher,
    "scheduled_publisher": scheduled_publisher,
    "learn": learn,
    "health_self_check": health_self_check,
}
# Long-running actions get their own task in the service so the minutely dispatcher never waits on them.
LONG_RUNNING = frozenset({"heartbeat"})
