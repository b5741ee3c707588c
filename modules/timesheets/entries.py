"""Time entries against projects: no overlaps per person, at most 24 h a day, weeks lock when submitted."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

from pydantic import Field

from modules.timesheets.model import Entry, Utilization, UtilizationReport, Week
from skills import SkillContext, SkillFailed, fetch_one, skill


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def _locked(ctx: SkillContext, person: str, day: date) -> bool:
    return bool(await ctx.db.fetchone("SELECT 1 FROM timesheets_submissions WHERE person = ? AND week_start = ?",
                                      (person, monday(day).isoformat())))


@skill(title="Log time",
       examples=("record hours worked", "log time on a project"),
       synonyms=("hours", "track time", "worked", "time entry"),
       instructions="""
    Records time worked on a project (start and end, ISO 8601 with timezone; stored UTC). Refused:
    end before start, overlap with the same person's other entries, more than 24 hours in one day,
    and weeks already submitted (locked).
    """)
async def log(
    ctx: SkillContext,
    person: Annotated[str, Field(min_length=1, max_length=80)],
    project_id: int,
    started_at: datetime,
    ended_at: datetime,
    billable: bool = True,
    note: str = "",
) -> Entry:
    """Log a block of time worked on a project.

    Args:
        person: Who worked.
        project_id: The project (projects module).
        started_at: Start, ISO 8601 with timezone.
        ended_at: End, ISO 8601 with timezone.
        billable: Whether the client is billed for it.
        note: What was done.
    """
    if started_at.tzinfo is None or ended_at.tzinfo is None:
        raise SkillFailed("started_at and ended_at need a timezone, e.g. 2026-11-03T09:00:00+00:00")
    utc = ctx.now().tzinfo
    start, end = started_at.astimezone(utc), ended_at.astimezone(utc)
    if end <= start:
        raise SkillFailed("ended_at must be after started_at")
    await fetch_one(
        ctx.db, "SELECT 1 FROM projects WHERE id = ?", (project_id,),
        missing=f"no project with id {project_id}; projects_create makes one")
    if await _locked(ctx, person, start.date()):
        raise SkillFailed(f"{person}'s week of {monday(start.date())} is submitted and locked")
    clash = await ctx.db.fetchone("SELECT id, started_at, ended_at FROM timesheets_entries WHERE person = ? AND "
                                  "started_at < ? AND ended_at > ?", (person, end.isoformat(), start.isoformat()))
    if clash:
        raise SkillFailed(f"overlaps entry #{clash['id']} ({clash['started_at']} to {clash['ended_at']})")
    hours = round((end - start).total_seconds() / 3600, 2)
    day_total = await ctx.db.fetchval("SELECT COALESCE(SUM(hours), 0) FROM timesheets_entries WHERE person = ? AND "
                                      "substr(started_at, 1, 10) = ?", (person, start.date().isoformat()))
    if day_total + hours > 24:
        raise SkillFailed(f"{person} would have {day_total + hours:g} h on {start.date()}; a day has 24")
    result = await ctx.db.execute(
        "INSERT INTO timesheets_entries (person, project_id, started_at, ended_at, hours, billable, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", (person, project_id, start.isoformat(), end.isoformat(), hours, int(billable),
                                        note))
    return Entry(id=result.lastrowid or 0, person=person, project_id=project_id, started_at=start.isoformat(),
                 ended_at=end.isoformat(), hours=hours, billable=billable, note=note)


async def _week(ctx: SkillContext, person: str, week_of: date) -> Week:
    start = monday(week_of)
    rows = await ctx.db.fetchall("SELECT * FROM timesheets_entries WHERE person = ? AND started_at >= ? AND "
                                 "started_at < ? ORDER BY started_at",
                                 (person, start.isoformat(), (start + timedelta(days=7)).isoformat()))
    days = {(start + timedelta(days=i)).isoformat(): 0.0 for i in range(7)}
    for r in rows:
        days[r["started_at"][:10]] = round(days[r["started_at"][:10]] + r["hours"], 2)
    return Week(person=person, week_start=start.isoformat(), days=days, total_hours=round(sum(days.values()), 2),
                submitted=await _locked(ctx, person, start),
                entries=[Entry(**{**r, "billable": bool(r["billable"])}) for r in rows])


@skill(title="Weekly timesheet",
       examples=("show my hours for the week", "what did I log this week"),
       synonyms=("hours", "my time", "week"),
       read_only=True,
       instructions="One person's week (Monday to Sunday, UTC): hours per day, total, entries, submitted or not.")
async def week(ctx: SkillContext, person: str, week_of: date) -> Week:
    """Show a person's timesheet for the week containing a date.

    Args:
        person: Whose timesheet.
        week_of: Any date in the week, YYYY-MM-DD.
    """
    return await _week(ctx, person, week_of)


@skill(title="Submit a week",
       examples=("hand in my timesheet", "finalize the week's hours"),
       synonyms=("hand in", "lock", "finalize"),
       instructions="""
    Submits a person's week for approval and locks it: no more entries can be logged in it.
    An empty week cannot be submitted.
    """)
async def submit_week(ctx: SkillContext, person: str, week_of: date) -> Week:
    """Submit and lock a person's week.

    Args:
        person: Whose week.
        week_of: Any date in the week, YYYY-MM-DD.
    """
    current = await _week(ctx, person, week_of)
    if current.submitted:
        raise SkillFailed(f"the week of {current.week_start} is already submitted")
    if not current.entries:
        raise SkillFailed(f"{person} has no time logged in the week of {current.week_start}")
    await ctx.db.execute("INSERT INTO timesheets_submissions (person, week_start, submitted_at) VALUES (?, ?, ?)",
                         (person, current.week_start, ctx.now_iso()))
    await ctx.emit("timesheet.submitted", {"person": person, "week_start": current.week_start,
                                           "hours": current.total_hours})
    return await _week(ctx, person, week_of)


@skill(title="Utilization report",
       examples=("billable hours per person", "how busy is the team"),
       synonyms=("billable", "busy", "capacity", "hours"),
       category="analytics", read_only=True,
       instructions="Per person over a date range: billable hours, other hours and utilization = billable / all.")
async def utilization(ctx: SkillContext, date_from: date, date_to: date) -> UtilizationReport:
    """Billable versus non-billable hours per person over a period.

    Args:
        date_from: First day, YYYY-MM-DD.
        date_to: Last day (inclusive), YYYY-MM-DD.
    """
    if date_to < date_from:
        raise SkillFailed("date_to is before date_from")
    rows = await ctx.db.fetchall(
        "SELECT person, SUM(CASE WHEN billable = 1 THEN hours ELSE 0 END) AS b,"
        " SUM(CASE WHEN billable = 1 THEN 0 ELSE hours END) AS o FROM timesheets_entries"
        " WHERE started_at >= ? AND started_at < ? GROUP BY person ORDER BY person",
        (date_from.isoformat(), (date_to + timedelta(days=1)).isoformat()))
    return UtilizationReport(date_from=date_from.isoformat(), date_to=date_to.isoformat(), people=[
        Utilization(person=r["person"], billable_hours=round(r["b"], 2), other_hours=round(r["o"], 2),
                    utilization=round(r["b"] / (r["b"] + r["o"]), 3)) for r in rows])
