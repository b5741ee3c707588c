"""The automation dispatcher: cron automations that are due and new events for event automations.

Every automation runs its skill through the executor with caller ``automation`` (all
five resilience layers apply) and never calls a model. Executor ``pilot`` automations
run only while the agent is on.

Exactly once per occurrence and per event, across processes: an occurrence or an
event is claimed with a compare-and-set on the automation row (``next_run`` or
``last_event_id``) *before* the skill runs. A crash in between loses that one run
rather than doubling it - the right side for skills that email or publish.

Events older than the catch-up window when first seen are skipped and recorded as
missed, like cron occurrences (see ``server.scheduler.cron``). Cascades are bounded by
``server.scheduler.cascade``: the depth limit and each automation's hourly rate limit.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from server.scheduler import cascade, cron
from server.scheduler.templating import TemplateError, render
from server.tables import activity, automations
from skills.context import Cause

if TYPE_CHECKING:
    from server.app import App

log = logging.getLogger(__name__)

EVENT_BATCH = 100
CANNOT_RUN = "error: automation #"  # the status of a row the dispatcher skips (health reports it)


@dataclass
class DispatchReport:
    fired: list[tuple[int, str, bool]] = field(default_factory=list)  # (automation id, skill, ok)
    missed: int = 0
    held: int = 0  # events not run at the depth limit
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        ok = sum(1 for *_, good in self.fired if good)
        text = f"fired {len(self.fired)} ({ok} ok)"
        if self.missed:
            text += f", missed {self.missed}"
        if self.held:
            text += f", held back {self.held} (depth limit)"
        if self.errors:
            text += f", {len(self.errors)} error(s)"
        return text


async def dispatch(app: App, *, agent_on: bool, window: timedelta = cron.DEFAULT_WINDOW) -> DispatchReport:
    """One pass over every enabled automation. A row that cannot run (a cron line stored before lines were
    checked, a config edited by hand, any error of its own) is skipped and reported; the others run."""
    report = DispatchReport()
    rows = await automations.due_rows(app.store)
    for row in rows:
        if row["executor"] == "pilot" and not agent_on:
            continue
        if row["skill"] not in app.registry.skills:
            continue  # a broken or uninstalled pack's: `modules list` and health report the pack
        try:
            if row["trigger"] == "cron":
                await _run_cron(app, row, window, report)
            else:
                await _run_events(app, row, window, report)
        except Exception as exc:  # one bad row never stops the rows after it
            fix = "" if isinstance(exc, cron.CronError) else f"{type(exc).__name__}: "
            message = (f"automation #{row['id']} {row['name']!r} ({row['module_id']}) cannot run: {fix}{exc}. It is "
                       "skipped until its declaration is fixed (upgrade the module) or it is switched off: "
                       f"pilothouse automations disable {row['id']}")
            report.errors.append(message)
            await _failed(app, row, message)
    return report


async def _failed(app: App, row: dict[str, Any], message: str) -> None:
    """A broken row's status and one activity row, once: not every minute while it stays broken."""
    status = f"error: {message}"[:1000]
    if row["last_status"] == status:
        return
    await _record(app, row, status, error_kind="validation", error=message)


async def _run_cron(app: App, row: dict[str, Any], window: timedelta, report: DispatchReport) -> None:
    config = json.loads(row["config"])
    expr, tz = config["schedule"], config.get("timezone", "UTC")
    cron.check(expr, tz)
    now = app.clock.now()
    current = datetime.fromisoformat(row["next_run"]) if row["next_run"] else None
    plan = cron.plan(expr, tz, current, now, window)
    if plan is None:
        return
    claimed = await automations.claim_occurrence(app.store, row["id"], plan.next_run, row["next_run"])
    if not claimed or plan.armed_only:
        return  # another process took this occurrence, or the row was only armed
    if plan.missed:
        report.missed += plan.missed
        text = (f"missed {plan.missed} run(s) from {_iso(plan.missed_since)} to {_iso(plan.missed_until)}: older "
                f"than the {window} catch-up window, skipped")
        await _record(app, row, f"missed: {text}", error_kind="missed", error=text)
    if plan.run:
        limits = cascade.limits_for(app, row)
        if not await cascade.take_run(app.store, row["id"], limits.per_hour, now):
            await cascade.hold(app.store, row, dropped=1, now=now, reason=(
                f"rate limit: {limits.per_hour} runs an hour reached; the {_iso(plan.occurrence)} run was skipped"))
            return
        await _call(app, row, json.loads(row["arguments"] or "{}"), report, trigger=f"cron {_iso(plan.occurrence)}")


async def _run_events(app: App, row: dict[str, Any], window: timedelta, report: DispatchReport) -> None:
    name = json.loads(row["config"])["event"]
    events = await app.store.fetchall(
        "SELECT * FROM events WHERE name = ? AND id > ? ORDER BY id LIMIT ?", (name, row["last_event_id"], EVENT_BATCH))
    cursor = row["last_event_id"]
    horizon = (app.clock.now() - window).isoformat(timespec="seconds")
    if row["held_at"] and (row["held_reason"] or "").startswith("rate limit"):
        # Events that waited on the rate limit were seen in time: they are not stale when their turn comes.
        horizon = min(horizon, (datetime.fromisoformat(row["held_at"]) - window).isoformat(timespec="seconds"))
    stale: list[int] = []
    deep: list[int] = []
    ran = False
    limits = cascade.limits_for(app, row)
    for event in events:
        over = (event["depth"] or 0) >= limits.max_depth
        if not over and not await cascade.take_run(app.store, row["id"], limits.per_hour, app.clock.now()):
            waiting = len(events) - events.index(event)
            await cascade.hold(app.store, row, dropped=0, now=app.clock.now(), reason=(
                f"rate limit: {limits.per_hour} runs an hour reached; {waiting}+ {name} event(s) wait for the "
                "next hour"))
            break  # the cursor stays: these events run once the hour turns
        if not await automations.claim_event(app.store, row["id"], event["id"], cursor):
            return  # another process is working through this automation's events
        cursor = event["id"]
        if event["created_at"] < horizon:
            stale.append(event["id"])
            continue
        if over:
            deep.append(event["id"])
            continue
        payload = json.loads(event["payload"] or "{}")
        context = {"event": {"id": event["id"], "name": event["name"], "source": event["source"],
                             "created_at": event["created_at"], "payload": payload}}
        try:
            arguments = render(json.loads(row["arguments"] or "{}"), context)
        except TemplateError as exc:
            message = (f"automation {row['name']!r}: event #{event['id']} ({name}) cannot fill the arguments: {exc}. "
                       "Fix the automation's arguments or the event payload; this event is skipped.")
            report.errors.append(message)
            await _record(app, row, f"error: {message}", error_kind="validation", error=message,
                          arguments={"_event_id": event["id"]})
            continue
        await _call(app, row, arguments, report, trigger=f"event #{event['id']}", cause=cascade.cause_of(event))
        ran = True
    if deep:
        text = (f"depth limit: {len(deep)} {name} event(s) (#{deep[0]}..#{deep[-1]}) are {limits.max_depth} or more "
                "automation steps below the event that started their chain; not run (a cascade)")
        report.held += len(deep)
        await _record(app, row, f"held: {text}", error_kind="cascade_depth", error=text)
        await cascade.hold(app.store, row, dropped=len(deep), reason=text, now=app.clock.now())
    if stale:
        report.missed += len(stale)
        text = (f"missed {len(stale)} {name} event(s) (#{stale[0]}..#{stale[-1]}): older than the {window} "
                "catch-up window when first seen, skipped")
        latest = await automations.status_of(app.store, row["id"])
        await _record(app, row, f"{latest} ({text})" if ran else f"missed: {text}", error_kind="missed", error=text)


async def _call(app: App, row: dict[str, Any], arguments: dict[str, Any], report: DispatchReport,
                *, trigger: str, cause: Cause | None = None) -> None:
    result = await app.executor.call(row["skill"], arguments, caller="automation", cause=cause)
    report.fired.append((row["id"], row["skill"], result.ok))
    status = "ok" if result.ok else f"error: {result.error_kind}: {result.message}"
    await automations.ran(app.store, row["id"], app.clock.now(), status)
    log.info("automation %s (%s) ran %s: %s", row["name"], trigger, row["skill"], status[:200])


async def _record(app: App, row: dict[str, Any], status: str, *, error_kind: str, error: str,
                  arguments: dict[str, Any] | None = None) -> None:
    """A run that did not happen still leaves a trace: the automation's status and an activity row."""
    now = app.clock.now().isoformat(timespec="seconds")
    async with app.store.transaction() as tx:
        await automations.set_status(tx, row["id"], status)
        await activity.write(
            tx, ts=now, caller="automation", run_id=None, skill=row["skill"], module_id=row["module_id"],
            arguments={"_automation": row["name"], **(arguments or {})}, output_summary=None, status="error",
            outcome="neutral", error_kind=error_kind, error=error, duration_ms=0, attempts=0)
    log.warning("automation %s: %s", row["name"], error)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None
