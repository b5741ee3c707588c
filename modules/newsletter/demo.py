"""Newsletter: demo data for `pilothouse seed-demo`."""

from __future__ import annotations

from skills import SkillContext


async def seed(ctx: SkillContext) -> None:
    for email in ("maria@northwind.example", "li@kestrel.example"):
        await ctx.db.execute("INSERT INTO newsletter_subscribers (email, status, created_at, confirmed_at) "
                             "VALUES (?, 'active', ?, ?)", (email, ctx.now_iso(), ctx.now_iso()))
    await ctx.db.execute("INSERT INTO newsletter_campaigns (subject, body, status, created_at) VALUES "
                         "('November news', 'Our spring collection preview is out. Read it on the blog.', 'draft', ?)",
                         (ctx.now_iso(),))
