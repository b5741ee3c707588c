"""Calendar: demo data for `pilothouse seed-demo`."""

from __future__ import annotations

from datetime import timedelta

from skills import SkillContext


async def seed(ctx: SkillContext) -> None:
    start = (ctx.now() + timedelta(days=1)).replace(hour=14, minute=0, second=0, microsecond=0)
    for offset, title, place in ((0, "Team standup", "Room 2"), (2, "Supplier call, Kestrel", "Phone")):
        begin = start + timedelta(days=offset)
        await ctx.db.execute(
            "INSERT INTO calendar_events (title, starts_at, ends_at, location, attendees, created_at) "
            "VALUES (?, ?, ?, ?, '[]', ?)",
            (title, begin.isoformat(), (begin + timedelta(minutes=30)).isoformat(), place, ctx.now_iso()))
