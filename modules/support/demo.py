"""Support: demo data for `pilothouse seed-demo`."""

from __future__ import annotations

from datetime import timedelta

from modules.support import tickets
from skills import SkillContext


async def seed(ctx: SkillContext) -> None:
    now = ctx.now()
    for subject, email, priority, hours_ago in (("Cannot download my invoice", "tom@blueharbor.example", "high", 9),
                                                ("Question about delivery times", "li@kestrel.example", "normal", 2)):
        created = now - timedelta(hours=hours_ago)
        due = created + timedelta(hours=tickets.FIRST_RESPONSE_HOURS[priority])
        result = await ctx.db.execute(
            "INSERT INTO support_tickets (subject, customer_email, priority, status, sla_due_at, created_at) "
            "VALUES (?, ?, ?, 'open', ?, ?)", (subject, email, priority, due.isoformat(), created.isoformat()))
        await ctx.db.execute("INSERT INTO support_messages (ticket_id, author, body, at) VALUES (?, 'customer', ?, ?)",
                             (result.lastrowid, subject + ".", created.isoformat()))
