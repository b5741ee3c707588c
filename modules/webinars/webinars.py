"""Webinars: capacity, registrations with a waitlist, check-in and attendance."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from modules.business import formatting as fmt
from modules.business.profile import load_profile
from modules.email.letters import send_letter
from modules.webinars.model import Attendance, Registration, Webinar
from skills import SkillContext, SkillFailed, fetch_one, skill
from skills.formats import EMAIL, ONE_LINE


async def _webinar(ctx: SkillContext, webinar_id: int) -> Webinar:
    row = await fetch_one(
        ctx.db,
        "SELECT w.*, (SELECT COUNT(*) FROM webinars_registrations r WHERE r.webinar_id = w.id AND r.status IN "
        "('registered', 'attended')) AS registered, (SELECT COUNT(*) FROM webinars_registrations r WHERE "
        "r.webinar_id = w.id AND r.status = 'waitlisted') AS waitlisted FROM webinars w WHERE w.id = ?", (webinar_id,),
        missing=f"no webinar with id {webinar_id}; webinars_list finds webinars by title or date")
    return Webinar(id=row["id"], title=row["title"], starts_at=row["starts_at"], capacity=row["capacity"],
                   status=row["status"], registered=row["registered"], waitlisted=row["waitlisted"])


@skill(title="Schedule a webinar",
       examples=("plan an online event", "set up a webinar"),
       synonyms=("online event", "seminar", "live session", "workshop"),
       instructions="Schedules a webinar in the future with a seat limit (1-10,000).")
async def schedule(ctx: SkillContext, title: Annotated[str, Field(min_length=3, max_length=200, pattern=ONE_LINE)],
                   starts_at: datetime, capacity: Annotated[int, Field(ge=1, le=10_000)]) -> Webinar:
    """Schedule a webinar with a capacity.

    Args:
        title: Webinar title.
        starts_at: Start time, ISO 8601 with timezone.
        capacity: Number of seats.
    """
    if starts_at.tzinfo is None or starts_at <= ctx.now():
        raise SkillFailed("starts_at must be a future time with a timezone")
    result = await ctx.db.execute("INSERT INTO webinars (title, starts_at, capacity, status) VALUES (?, ?, ?, "
                                  "'scheduled')", (title, starts_at.astimezone(ctx.now().tzinfo).isoformat(), capacity))
    return await _webinar(ctx, result.lastrowid or 0)


@skill(title="Register for a webinar",
       examples=("sign someone up for the webinar", "add an attendee to the online event"),
       synonyms=("sign up", "attendee", "enroll", "rsvp"),
       scope="external", instructions="""
    Registers an attendee; when all seats are taken the person is waitlisted instead. Either way
    they get a confirmation email (the webinar-confirmation template). Refused: the same email
    twice, a cancelled webinar, or one that has already started.
    """)
async def register(ctx: SkillContext, webinar_id: int, email: Annotated[str, Field(pattern=EMAIL)]) -> Registration:
    """Register someone for a webinar (waitlist when full).

    Args:
        webinar_id: The webinar.
        email: The attendee's email address.
    """
    webinar = await _webinar(ctx, webinar_id)
    if webinar.status != "scheduled":
        raise SkillFailed(f"webinar {webinar_id} is {webinar.status}")
    if datetime.fromisoformat(webinar.starts_at) <= ctx.now():
        raise SkillFailed(f"webinar {webinar_id} has already started")
    if await ctx.db.fetchone("SELECT 1 FROM webinars_registrations WHERE webinar_id = ? AND email = ?",
                             (webinar_id, email)):
        raise SkillFailed(f"{email} is already registered for webinar {webinar_id}")
    status = "registered" if webinar.registered < webinar.capacity else "waitlisted"
    result = await ctx.db.execute("INSERT INTO webinars_registrations (webinar_id, email, status, created_at) "
                                  "VALUES (?, ?, ?, ?)", (webinar_id, email, status, ctx.now_iso()))
    profile = await load_profile(ctx.db)
    when = fmt.moment(webinar.starts_at, profile.locale, profile.time_zone)
    line = ("Your seat is confirmed." if status == "registered" else
            "The webinar is full, so you are on the waitlist: we will write as soon as a seat frees up.")
    await send_letter(ctx, email, "webinar-confirmation",
                      {"status": "Registered" if status == "registered" else "Waitlisted", "status_line": line,
                       "webinar": webinar.title, "when": when},
                      purpose=f"webinar:{webinar_id}", profile=profile,
                      summary=[("Webinar", webinar.title), ("Starts", when), ("Status", status)])
    return Registration(id=result.lastrowid or 0, webinar_id=webinar_id, email=email, status=status)


@skill(title="Check in an attendee",
       examples=("mark someone present at the webinar", "who joined the webinar"),
       synonyms=("present", "attended", "joined"),
       idempotent=True,
       instructions="Marks a registered attendee as present; waitlisted people cannot be checked in.")
async def check_in(ctx: SkillContext, webinar_id: int, email: Annotated[str, Field(pattern=EMAIL)]) -> Registration:
    """Mark a registered attendee as present.

    Args:
        webinar_id: The webinar.
        email: The attendee's email.
    """
    row = await fetch_one(
        ctx.db, "SELECT id, status FROM webinars_registrations WHERE webinar_id = ? AND email = ?", (webinar_id, email),
        missing=f"{email} is not registered for webinar {webinar_id}")
    if row["status"] == "waitlisted":
        raise SkillFailed(f"{email} is on the waitlist, not registered")
    await ctx.db.execute("UPDATE webinars_registrations SET status = 'attended' WHERE id = ?", (row["id"],))
    return Registration(id=row["id"], webinar_id=webinar_id, email=email, status="attended")


@skill(title="Attendance report",
       examples=("how many attended the webinar", "webinar turnout"),
       synonyms=("turnout", "no-shows", "attended", "showed up"),
       category="analytics", read_only=True,
       instructions="Registered vs attended, the attendance rate and the no-shows (for a follow-up email).")
async def attendance(ctx: SkillContext, webinar_id: int) -> Attendance:
    """Attendance of a webinar: rate and no-shows.

    Args:
        webinar_id: The webinar.
    """
    await _webinar(ctx, webinar_id)
    rows = await ctx.db.fetchall("SELECT email, status FROM webinars_registrations WHERE webinar_id = ? AND status IN "
                                 "('registered', 'attended') ORDER BY email", (webinar_id,))
    attended = sum(r["status"] == "attended" for r in rows)
    return Attendance(webinar_id=webinar_id, registered=len(rows), attended=attended,
                      rate=round(attended / len(rows), 3) if rows else 0.0,
                      no_shows=[r["email"] for r in rows if r["status"] == "registered"])


@skill(title="Cancel a webinar",
       effects=("message", "cancellation"),
       examples=("cancel the online event", "the webinar is off"),
       synonyms=("call off", "cancel"),
       trust="approve", destructive=True,
       targets={"webinar_id": "webinars"},
       instructions="Cancels a webinar and emails every registered and waitlisted person. Reaches people: approve.")
async def cancel(ctx: SkillContext, webinar_id: int, reason: Annotated[str, Field(min_length=3)]) -> Webinar:
    """Cancel a webinar and notify everyone registered.

    Args:
        webinar_id: The webinar.
        reason: Why, included in the email.
    """
    webinar = await _webinar(ctx, webinar_id)
    if webinar.status == "cancelled":
        raise SkillFailed(f"webinar {webinar_id} is already cancelled")
    await ctx.db.execute("UPDATE webinars SET status = 'cancelled' WHERE id = ?", (webinar_id,))
    profile = await load_profile(ctx.db)
    when = fmt.moment(webinar.starts_at, profile.locale, profile.time_zone)
    for row in await ctx.db.fetchall("SELECT email FROM webinars_registrations WHERE webinar_id = ?", (webinar_id,)):
        await send_letter(ctx, row["email"], "webinar-cancellation",
                          {"webinar": webinar.title, "when": when, "reason": reason},
                          purpose=f"webinar:{webinar_id}", profile=profile)
    await ctx.emit("webinar.cancelled", {"id": webinar_id})
    return await _webinar(ctx, webinar_id)
