"""Sample webinars for `pilothouse seed-demo`: one already held, two coming up.

Written with plain SQL: registration refuses webinars that have started and check-in only
happens live, so a past webinar with its attendance can only be recorded directly. Nothing is
emailed (no outbox rows) and no events are emitted, so seeding reaches nobody.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from skills import SkillContext

GUESTS = ["maria@northwind.example", "tom@blueharbor.example", "li@kestrel.example", "priya@kestrel.example",
          "sam.jones@gmail.com", "ops@northwind.example", "anna@blueharbor.example", "jorge@kestrel.example",
          "finance@northwind.example", "hello@fernbrook.example", "ceo@fernbrook.example", "k.ito@lumen.example"]

# (title, days from now, capacity, registrations as (guest index, status))
WEBINARS: list[tuple[str, int, int, list[tuple[int, str]]]] = [
    # Held 12 days ago: 10 registered, 7 came, so the attendance report has no-shows to follow up.
    ("Getting started with automated invoicing", -12, 100,
     [(i, "attended") for i in range(7)] + [(i, "registered") for i in (7, 8, 9)]),
    # Next week, filling up.
    ("Quarter-end reporting in 30 minutes", 9, 50, [(i, "registered") for i in (0, 2, 4, 6, 9, 10, 11)]),
    # A hands-on session with 5 seats: full, two people on the waitlist.
    ("Hands-on workshop: your first automation", 16, 5,
     [(i, "registered") for i in (1, 3, 5, 7, 8)] + [(10, "waitlisted"), (11, "waitlisted")]),
]


def _at(now: datetime, days: int, hour: int) -> datetime:
    return (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


async def seed(ctx: SkillContext) -> None:
    now = ctx.now()
    for title, days, capacity, registrations in WEBINARS:
        starts = _at(now, days, 15)
        result = await ctx.db.execute("INSERT INTO webinars (title, starts_at, capacity, status) VALUES (?, ?, ?, "
                                      "'scheduled')", (title, starts.isoformat(), capacity))
        # People signed up over the fortnight before the webinar (or before today, if it is still ahead).
        signup_end = min(starts, now)
        for n, (guest, status) in enumerate(registrations):
            signed_up = signup_end - timedelta(days=14 - n, hours=n)
            await ctx.db.execute("INSERT INTO webinars_registrations (webinar_id, email, status, created_at) "
                                 "VALUES (?, ?, ?, ?)", (result.lastrowid, GUESTS[guest], status,
                                                         signed_up.isoformat(timespec="seconds")))
