"""Finding webinars: upcoming, past or all, by title, with seats and sign-ups per webinar."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from modules.webinars.model import WebinarPage, WebinarSummary
from skills import Filters, SkillContext, page_clause, skill

# One row per webinar with its counts. `registered` counts everyone holding a seat, attended
# included, as webinars_attendance and the waitlist logic do.
WEBINARS = """(SELECT w.id, w.title, w.starts_at, w.status, w.capacity,
       COALESCE(SUM(CASE WHEN r.status IN ('registered', 'attended') THEN 1 ELSE 0 END), 0)
         AS registered,
       COALESCE(SUM(CASE WHEN r.status = 'waitlisted' THEN 1 ELSE 0 END), 0) AS waitlisted,
       COALESCE(SUM(CASE WHEN r.status = 'attended' THEN 1 ELSE 0 END), 0) AS attended
     FROM webinars w LEFT JOIN webinars_registrations r ON r.webinar_id = w.id GROUP BY w.id) AS webinars"""

# Start times are stored in the clock's timezone (webinars_schedule converts them), so ISO strings
# compare in time order. A webinar that has started counts as past, as registration treats it.
# `all` lists what is coming up first (soonest first), then what was held (most recent first).
ORDER = {
    "upcoming": "starts_at ASC, id ASC",
    "past": "starts_at DESC, id DESC",
    "all": "starts_at <= ?, CASE WHEN starts_at > ? THEN starts_at END ASC, starts_at DESC, id DESC",
}


@skill(name="webinars_list", title="List webinars",
                             examples=("upcoming online events", "find a webinar"),
                             synonyms=("upcoming", "online events"),
                             read_only=True, instructions="""
       Webinars with seats, sign-ups and, once held, attendance. `when`: upcoming (not started yet,
       soonest first), past (started or held, most recent first) or all (upcoming first, then past);
       narrow by a title fragment or by status (scheduled, cancelled); page with limit and offset.
       `attended` is null for a webinar that has not been held. The ids found here are what
       webinars_register, webinars_attendance and webinars_cancel take.
       """)
async def list_webinars(
    ctx: SkillContext,
    when: Literal["upcoming", "past", "all"] = "all",
    title: Annotated[str | None, Field(max_length=200)] = None,
    status: Literal["scheduled", "cancelled"] | None = None,
    limit: Annotated[int, Field(ge=1, le=200)] = 20,
    offset: Annotated[int, Field(ge=0)] = 0,
) -> WebinarPage:
    """Find webinars by time, title or status. Use when looking for a webinar, its id or its sign-ups.

    NOT for one webinar's attendance rate and no-shows (use webinars_attendance).

    Args:
        when: upcoming, past or all (relative to now).
        title: Part of the title, any case.
        status: Only scheduled or only cancelled webinars.
        limit: Page size (1-200).
        offset: How many to skip.
    """
    now = ctx.now_iso()
    filters = Filters().like(["title"], title).add("status = ?", status)
    filters.add("starts_at > ?", now if when == "upcoming" else None)
    filters.add("starts_at <= ?", now if when == "past" else None)
    order_params = [now, now] if when == "all" else []
    total = await ctx.db.fetchval(f"SELECT COUNT(*) FROM {WEBINARS}{filters.where}", filters.params)
    tail, (lim, off) = page_clause(limit, offset)
    rows = await ctx.db.fetchall(f"SELECT * FROM {WEBINARS}{filters.where} ORDER BY {ORDER[when]}{tail}",
                                 [*filters.params, *order_params, lim, off])
    items = [WebinarSummary(
        id=r["id"], title=r["title"], starts_at=r["starts_at"], status=r["status"], capacity=r["capacity"],
        seats_left=max(r["capacity"] - r["registered"], 0), registered=r["registered"], waitlisted=r["waitlisted"],
        attended=r["attended"] if r["starts_at"] <= now and r["status"] != "cancelled" else None) for r in rows]
    return WebinarPage(items=items, total=int(total or 0), limit=lim, offset=off)
