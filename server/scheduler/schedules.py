"""The platform schedules: rows in ``schedules`` (name, cron, timezone, last/next run, last status).

Registered with exactly these names by the scheduler's first tick (``serve`` or ``worker``) and
by the agent's bootstrap; a person may change a cron (``pilothouse agent enable --heartbeat``),
and re-registering never overwrites it.

Two kinds: the platform's own work (dispatching automations, publishing) runs whenever the
instance runs; the agent's schedules (``AGENT_SCHEDULES``) run only while the agent is on.
"""

from __future__ import annotations

from datetime import datetime

from server.scheduler import cron
from skills.context import Database, Row

PLATFORM_SCHEDULES: dict[str, str] = {
    "heartbeat": "*/30 * * * *",
    "automation_dispatcher": "* * * * *",
    "learn": "0 3 * * *",
    "health_self_check": "0 */6 * * *",
    "shadow_digest": "0 8 * * *",
    "retention": "30 4 * * *",  # server/retention.py
    "approvals": "* * * * *",  # approved requests run and undecided ones expire, with the agent off too
}
# The agent's own work: its heartbeat, its nightly learning, and the self-check that opens self-heal
# objectives for it. The composition root gates these on the agent being on.
AGENT_SCHEDULES = frozenset({"heartbeat", "learn", "health_self_check", "shadow_digest"})


async def register(tx: Database, now: datetime, *, heartbeat_cron: str | None = None) -> list[str]:
    """Insert the missing platform schedules, armed for their next occurrence. Returns the names added."""
    added = []
    for name, expr in PLATFORM_SCHEDULES.items():
        if name == "heartbeat" and heartbeat_cron:
            expr = heartbeat_cron
        cron.check(expr)
        result = await tx.execute(
            "INSERT INTO schedules (name, cron, timezone, enabled, next_run) VALUES (?, ?, 'UTC', 1, ?) "
            "ON CONFLICT(name) DO NOTHING",
            (name, expr, _iso(cron.next_after(expr, "UTC", now))))
        if result.rowcount:
            added.append(name)
    return added


async def set_cron(tx: Database, name: str, expr: str, now: datetime, *, timezone: str | None = None) -> bool:
    """Change a schedule's cron (and timezone); re-arms it from now. True when something changed."""
    row = await tx.fetchone("SELECT cron, timezone FROM schedules WHERE name = ?", (name,))
    if row is None:
        raise cron.CronError(f"no schedule named {name!r}; known: {', '.join(PLATFORM_SCHEDULES)}")
    tz = timezone or row["timezone"]
    cron.check(expr, tz)
    if (row["cron"], row["timezone"]) == (expr, tz):
        return False
    await tx.execute("UPDATE schedules SET cron = ?, timezone = ?, next_run = ? WHERE name = ?",
                     (expr, tz, _iso(cron.next_after(expr, tz, now)), name))
    return True


async def rearm(tx: Database, now: datetime, names: frozenset[str] = AGENT_SCHEDULES) -> int:
    """Re-arm the agent's schedules whose next run passed while the agent was off: nothing was due
    then, so nothing is missed. Called only on the off -> on transition. The platform's schedules
    ran meanwhile (or their misses are real outages, recorded as such), so they are left alone."""
    rows = await tx.fetchall("SELECT name, cron, timezone, next_run FROM schedules")
    changed = 0
    now_iso = _iso(now)
    for row in rows:
        if row["name"] in names and (row["next_run"] is None or row["next_run"] <= now_iso):
            await tx.execute("UPDATE schedules SET next_run = ? WHERE name = ?",
                             (_iso(cron.next_after(row["cron"], row["timezone"], now)), row["name"]))
            changed += 1
    return changed


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


async def listing(db: Database) -> list[Row]:
    """Every schedule with its state, by name (what ``agent status`` shows)."""
    return await db.fetchall(
        "SELECT name, cron, timezone, enabled, last_run, next_run, last_status FROM schedules ORDER BY name")


async def claim(db: Database, name: str, next_run: datetime, seen: str | None) -> bool:
    """Claim the due occurrence by moving ``next_run`` on, if it still is ``seen`` (compare-and-set):
    of two schedulers looking at one row, one claims it."""
    result = await db.execute("UPDATE schedules SET next_run = ? WHERE name = ? AND next_run IS NOT DISTINCT FROM ?",
                              (_iso(next_run), name, seen))
    return result.rowcount == 1


async def finish(db: Database, name: str, started: str | None, status: str) -> None:
    await db.execute("UPDATE schedules SET last_run = ?, last_status = ? WHERE name = ?",
                     (started, status[:1000], name))


async def set_status(db: Database, name: str, status: str) -> None:
    await db.execute("UPDATE schedules SET last_status = ? WHERE name = ?", (status[:1000], name))
