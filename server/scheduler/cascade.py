"""Bounds on automation cascades: the depth limit, the hourly rate limit, and what they held back.

The seed's story: a rate-limited API made 12 automations fire error notifications, which fired
more automations. Every event carries its root and depth (``skills.context.Cause``); an event
automation does not fire on an event at its ``max_depth`` (default 3: a user's event, and two
generations of events automations emitted). Each automation runs at most ``max_runs_per_hour``
(declared on ``skills.Automation``, default ``DEFAULT_RUNS_PER_HOUR``) in a fixed hour window;
an event over the rate waits (its cursor is not moved), a cron occurrence over it is skipped.

What was held back stays on the automation row (``held``, ``held_reason``, ``held_at``), shown by
``pilothouse automations list`` and health, and the admin hears once an hour per skill. The
statements are the ``automations`` table's owner's (server/tables/automations.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from server.notify import notify_admin
from server.tables import automations
from skills.context import Cause, Database, Row

if TYPE_CHECKING:
    from server.app import App

DEFAULT_RUNS_PER_HOUR = 120
DEFAULT_MAX_DEPTH = 3
WINDOW = timedelta(hours=1)
RECENT = timedelta(hours=24)  # held back this recently: health reports it


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int = DEFAULT_MAX_DEPTH
    per_hour: int = DEFAULT_RUNS_PER_HOUR


def limits_for(app: App, row: dict[str, Any]) -> Limits:
    """The automation's declared limits (the module's declaration, by name), or the defaults."""
    module = app.registry.modules.get(row["module_id"])
    declared = next((a for a in module.automations if a.name == row["name"]), None) if module else None
    if declared is None:
        return Limits()
    return Limits(declared.max_depth, declared.max_runs_per_hour or DEFAULT_RUNS_PER_HOUR)


def cause_of(event: Row) -> Cause:
    return Cause(event_id=event["id"], root_id=event["root_id"] or event["id"], depth=event["depth"] or 0)


async def take_run(db: Database, automation_id: int, per_hour: int, now: datetime) -> bool:
    """Count one run in the automation's hour window; False (nothing counted) when the window is full."""
    return await automations.take_run(db, automation_id, per_hour, now, WINDOW)


async def hold(db: Database, row: dict[str, Any], *, dropped: int, reason: str, now: datetime) -> None:
    """Record what the automation held back (``dropped``: events it will never run on) and tell the admin."""
    async with db.transaction() as tx:
        await automations.add_held(tx, row["id"], dropped=dropped, reason=reason, at=now)
        await notify_admin(tx, kind="automation_held", key=row["skill"],
                           title=f"Automation {row['name']!r} was held back", now=now,
                           body=f"{reason}\nSee: pilothouse automations list")


async def recently_held(db: Database, now: datetime) -> list[Row]:
    """Automations that held something back in the last 24 h (health reports them)."""
    return await automations.held_since(db, now - RECENT)

