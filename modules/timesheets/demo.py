"""Sample time entries for `pilothouse seed-demo`: two consultants' last week across two client
projects (one week submitted and locked, one still open), plus this week's days so far.

Entries go through the module's own `timesheets_log` handler, so overlaps, the 24-hour day and
locked weeks are checked exactly as for a person logging time. The submission row is written
directly: `timesheets_submit_week` would emit an event, and demo data is history, not news.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from modules.timesheets.entries import log, monday
from skills import SkillContext

# Projects the entries are booked on, by name. "Website refresh" comes from the projects demo;
# either is created here when missing (projects is required, so its table is there).
PROJECTS = {"web": ("Website refresh", "Blue Harbor Studio"), "fleet": ("Kestrel fleet pilot", "Kestrel Logistics")}

# Per weekday (0 = Monday): (project, start hour, end hour, billable, note)
Block = tuple[str, float, float, bool, str]
DAYS: dict[str, dict[int, list[Block]]] = {
    "Ana Costa": {
        0: [("web", 9, 12.5, True, "Wireframes review with the client"), ("web", 13.5, 17, True, "Homepage copy")],
        1: [("web", 9, 12, True, "Copywriting"), ("fleet", 13, 17.5, True, "Route data import")],
        2: [("fleet", 8.5, 12.5, True, "Depot mapping workshop"), ("web", 13.5, 16, True, "Copywriting")],
        3: [("web", 9, 12, True, "Copywriting"), ("web", 13, 14, False, "Internal design critique"),
            ("fleet", 14, 17, True, "Pilot dashboard")],
        4: [("fleet", 9, 12, True, "Pilot dashboard"), ("web", 13, 15, False, "Team retro and planning")],
    },
    "Jonas Weber": {
        0: [("fleet", 8, 12, True, "Kick-off with Kestrel ops"), ("fleet", 13, 16.5, True, "Driver app spike")],
        1: [("fleet", 8, 12, True, "Driver app spike"), ("web", 13, 15, True, "QA pass on templates")],
        2: [("fleet", 9, 12, True, "Route optimiser tuning"), ("fleet", 13, 14, False, "Hiring interview")],
        3: [("fleet", 8, 12.5, True, "Route optimiser tuning"), ("web", 13.5, 17, True, "Accessibility fixes")],
        4: [("fleet", 9, 11, True, "Weekly demo to Kestrel"), ("web", 11, 12, False, "Team retro and planning")],
    },
}
SUBMITTED = ("Ana Costa",)  # Jonas has not submitted last week yet: something to nudge him about.


def _at(day: date, hour: float) -> datetime:
    return datetime.combine(day, time(int(hour), round(hour % 1 * 60)))


async def _project(ctx: SkillContext, name: str, client: str) -> int:
    await ctx.db.execute("INSERT INTO projects (name, client, created_at) VALUES (?, ?, ?) ON CONFLICT (name) "
                         "DO NOTHING", (name, client, ctx.now_iso()))
    return int(await ctx.db.fetchval("SELECT id FROM projects WHERE name = ?", (name,)))


async def seed(ctx: SkillContext) -> None:
    now = ctx.now()
    projects = {key: await _project(ctx, name, client) for key, (name, client) in PROJECTS.items()}
    this_week = monday(now.date())
    last_week = this_week - timedelta(days=7)
    for person, days in DAYS.items():
        for week in (last_week, this_week):
            for weekday, blocks in days.items():
                day = week + timedelta(days=weekday)
                for project, start, end, billable, note in blocks:
                    started, ended = (_at(day, h).replace(tzinfo=now.tzinfo) for h in (start, end))
                    if ended > now:
                        continue  # only time already worked
                    await log(ctx, person=person, project_id=projects[project], started_at=started,
                              ended_at=ended, billable=billable, note=note)
        if person in SUBMITTED:
            submitted_at = datetime.combine(last_week + timedelta(days=4), time(17, 30), tzinfo=now.tzinfo)
            await ctx.db.execute("INSERT INTO timesheets_submissions (person, week_start, submitted_at) "
                                 "VALUES (?, ?, ?)", (person, last_week.isoformat(),
                                                      submitted_at.isoformat(timespec="seconds")))
