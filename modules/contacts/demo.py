"""Contacts: demo data for `pilothouse seed-demo`."""

from __future__ import annotations

from skills import SkillContext


async def seed(ctx: SkillContext) -> None:
    for name, email, tags in (("Maria Alvarez", "maria.alvarez@northwind.example", '["customer","vip"]'),
                              ("Jonas Berg", "jonas@kestrel.example", '["supplier"]')):
        await ctx.db.execute("INSERT INTO contacts (name, email, tags, created_at) VALUES (?, ?, ?, ?)",
                             (name, email, tags, ctx.now_iso()))
